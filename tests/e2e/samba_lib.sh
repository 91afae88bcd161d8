# samba_lib.sh — an smbd of the test's own on 127.0.0.1 sharing a directory, and smbclient
# helpers that read what a Windows client of Samba would see (attributes, times, streams).
# Sourced after lib.sh; needs root (smbd). Everything smbd keeps (config, tdbs, sockets,
# pid, log) is under $E2E_TMP/samba: no system smbd or its state is touched.
#
#   samba_start DIR     share DIR as //127.0.0.1/share on a free port ($SMB_PORT)
#   smb CMDS            smbclient -c CMDS; output in $SMB_OUT, exit status in $SMB_STATUS
#   smb_attributes F    the attribute mask allinfo shows for F, as hex ("6" for HS)
#   smb_create_time F   the create_time allinfo shows for F ("Sat Feb  3 04:05:06 2001 UTC")
#   smb_streams F       allinfo's stream lines for F, one "NAME SIZE" each ("::$DATA 3")
#   samba_stop          stop smbd and every process it started (also done on exit)
#
# Streams: `smb "put LOCAL F:NAME"` writes stream NAME through Samba. streams_xattr (Samba
# 4.17) keeps it as user.DosStream.NAME:$DATA holding the data and one NUL byte ("abc" is
# 61626300 on disk; allinfo says 3 bytes, and a value set without the NUL loses its last
# byte). A stream written through Samba also stores ARCHIVE in the file's user.DOSATTRIB.

SMB_DIR=$E2E_TMP/samba
SMB_CONF=$SMB_DIR/smb.conf
SMB_OUT=$SMB_DIR/smbclient.out
SMB_PID=""
SMB_FD=""
SMB_PORT=""
SMB_STATUS=0
# allinfo prints times in the local zone: UTC keeps expectations fixed.
export TZ=UTC

samba_write_conf() {        # samba_write_conf SHARE_DIR PORT
    cat >"$SMB_CONF" <<EOF
[global]
    server role = standalone server
    netbios name = WINFUSETEST
    workgroup = WINFUSETEST
    interfaces = 127.0.0.1
    bind interfaces only = yes
    smb ports = $2
    disable netbios = yes
    private dir = $SMB_DIR/private
    lock directory = $SMB_DIR/lock
    state directory = $SMB_DIR/state
    cache directory = $SMB_DIR/cache
    pid directory = $SMB_DIR/pid
    ncalrpc dir = $SMB_DIR/ncalrpc
    log file = $SMB_DIR/log.smbd
    log level = 1
    passdb backend = tdbsam:$SMB_DIR/private/passdb.tdb
    map to guest = Bad User
    guest account = root
    load printers = no
    printing = bsd
    printcap name = /dev/null
    disable spoolss = yes
    server min protocol = SMB2_10
    store dos attributes = yes
    ea support = yes
    vfs objects = streams_xattr
[share]
    path = $1
    read only = no
    guest ok = yes
    force user = root
EOF
}

# A port nobody listens on now (smbd binding it is checked below; a lost race retries).
samba_free_port() {
    local port
    for _ in $(seq 1 50); do
        port=$((20000 + RANDOM % 30000))
        if ! ss -Htln "sport = :$port" 2>/dev/null | grep -q .; then
            echo "$port"
            return 0
        fi
    done
    return 1
}

# samba_listening: the smbd started last listens on $SMB_PORT.
samba_listening() {
    ss -Htlnp "sport = :$SMB_PORT" 2>/dev/null | grep -q "pid=$SMB_PID,"
}

samba_start() {
    local share=$1 attempt deadline
    [ "$(id -u)" -eq 0 ] || die "samba: smbd needs root" "uid $(id -u)"
    command -v smbd >/dev/null && command -v smbclient >/dev/null ||
        die "samba: smbd and smbclient are installed (scripts/install-deps.sh)"
    rm -rf "$SMB_DIR"
    mkdir -p "$SMB_DIR"/private "$SMB_DIR"/lock "$SMB_DIR"/state "$SMB_DIR"/cache \
        "$SMB_DIR"/pid "$SMB_DIR"/ncalrpc
    chmod 700 "$SMB_DIR"/private
    for attempt in 1 2 3; do
        SMB_PORT=$(samba_free_port) || die "samba: no free port"
        samba_write_conf "$share" "$SMB_PORT"
        # Not --no-process-group: smbd's parent ends by signalling its whole process group
        # (SIGTERM), which would be this test. In the foreground it makes a session of its
        # own, and it exits when its stdin closes: a pipe only this shell holds, so smbd and
        # its children end with the test however the test ends (even killed).
        rm -f "$SMB_DIR/stdin"
        mkfifo "$SMB_DIR/stdin" || die "samba: mkfifo"
        smbd --foreground -s "$SMB_CONF" <"$SMB_DIR/stdin" >>"$SMB_DIR/smbd.stdout" 2>&1 &
        SMB_PID=$!
        exec {SMB_FD}>"$SMB_DIR/stdin"
        deadline=$((SECONDS + 20))
        while kill -0 "$SMB_PID" 2>/dev/null && ! samba_listening; do
            [ "$SECONDS" -ge "$deadline" ] && break
            sleep 0.05
        done
        samba_listening && return 0
        samba_stop
    done
    die "samba: smbd did not start" \
        "$(tail -n 20 "$SMB_DIR/smbd.stdout" "$SMB_DIR/log.smbd" 2>/dev/null)"
}

# Ends smbd (its stdin closes) and with it its children (notifyd, cleanupd, one per
# client): it signals its own process group on the way out. Waits for all of them.
samba_stop() {
    [ -n "$SMB_PID" ] || return 0
    local deadline=$((SECONDS + 20))
    exec {SMB_FD}>&-
    SMB_FD=""
    while kill -0 "$SMB_PID" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do
        sleep 0.05
    done
    # smbd is the leader of its group: a stuck one is ended with all it started.
    kill -0 "$SMB_PID" 2>/dev/null && kill -KILL -- "-$SMB_PID" 2>/dev/null
    wait "$SMB_PID" 2>/dev/null
    while pgrep -g "$SMB_PID" >/dev/null && [ "$SECONDS" -lt "$deadline" ]; do
        sleep 0.05
    done
    pgrep -g "$SMB_PID" >/dev/null && kill -KILL -- "-$SMB_PID" 2>/dev/null
    SMB_PID=""
}

samba_on_exit() {
    samba_stop
    e2e_cleanup
}
trap samba_on_exit EXIT

# smb CMDS: one smbclient session as guest running the ';'-separated CMDS.
smb() {
    timeout 60 smbclient -s "$SMB_CONF" -p "$SMB_PORT" -N -m SMB3 //127.0.0.1/share \
        -c "$1" >"$SMB_OUT" 2>&1 {SMB_FD}>&-
    SMB_STATUS=$?
}

# allinfo_field FILE FIELD: FIELD's value in `allinfo FILE`'s output.
smb_allinfo_field() {
    smb "allinfo \"$1\""
    FIELD=$2 awk 'index($0, ENVIRON["FIELD"] ":") == 1 {
        sub(/^[^:]*:[ \t]*/, ""); print; exit }' "$SMB_OUT"
}

# "attributes: HS (6)" -> "6"; NORMAL is "80".
smb_attributes() {
    smb_allinfo_field "$1" attributes | sed -n 's/.*(\([0-9a-f]*\))$/\1/p'
}

smb_create_time() {
    smb_allinfo_field "$1" create_time
}

# "stream: [::$DATA], 3 bytes" -> "::$DATA 3"; named streams as "NAME:$DATA SIZE".
smb_streams() {
    smb "allinfo \"$1\""
    sed -n 's/^stream: \[\(.*\)\], \([0-9]*\) bytes$/\1 \2/p' "$SMB_OUT"
}
