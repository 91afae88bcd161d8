@echo off
rem install.cmd - installs or uninstalls winfuse-x64.sys as WinFsp's provider for FUSE_FSCTL_TRANSACT (0x93118).
rem
rem   install.cmd [install] [PATH\winfuse-x64.sys]   (default: winfuse-x64.sys beside this script)
rem   install.cmd uninstall
rem
rem Run it from an elevated prompt. Exit status: 0 done (also when there was nothing to do),
rem 1 usage or no image, 2 WinFsp missing, 3 not an administrator, 4 0x93118 or the service
rem name belongs to another driver, 5 a step failed. docs/windows.md, "Installing", explains.
rem
rem Written for Windows' cmd and Wine 8's (scripts/wine-install-check.sh runs it): Wine 8's cmd
rem runs the right side of || and && whatever the status, and mis-parses ") else if", so
rem every status is tested with "if errorlevel" and every branch is a goto.
setlocal EnableExtensions DisableDelayedExpansion

set "SERVICE=winfuse"
set "CODE=00093118"
rem WinFsp's keys live in the 32-bit registry view (WOW6432Node on x64): /reg:32 on every access.
set "WINFSP_KEY=HKLM\SOFTWARE\WinFsp"
set "FSEXT_KEY=HKLM\SOFTWARE\WinFsp\Fsext"
set "SERVICE_KEY=HKLM\SYSTEM\CurrentControlSet\Services\%SERVICE%"
rem The service names the driver by its real path; a 32-bit cmd reaches that folder as Sysnative.
set "IMAGE=%SystemRoot%\System32\drivers\winfuse-x64.sys"
set "TARGET=%IMAGE%"
if exist "%SystemRoot%\Sysnative\cmd.exe" set "TARGET=%SystemRoot%\Sysnative\drivers\winfuse-x64.sys"

set "ACTION=install"
set "SOURCE=%~dp0winfuse-x64.sys"
if "%~1"=="" goto parsed
if "%~1"=="/?" goto usage
if /i "%~1"=="uninstall" goto parse_uninstall
if /i not "%~1"=="install" goto parse_path
if not "%~3"=="" goto usage
if not "%~2"=="" set "SOURCE=%~f2"
goto parsed
:parse_uninstall
if not "%~2"=="" goto usage
set "ACTION=uninstall"
goto parsed
:parse_path
if not "%~2"=="" goto usage
set "SOURCE=%~f1"
:parsed

call :read_state
goto %ACTION%

:install
if exist "%SOURCE%" goto have_source
>&2 echo install.cmd: no driver image at "%SOURCE%"
exit /b 1
:have_source
call :require_winfsp
if errorlevel 1 exit /b 2
call :require_admin
if errorlevel 1 exit /b 3
if not defined FSEXT_OWNER goto fsext_free
if /i "%FSEXT_OWNER%"=="%SERVICE%" goto fsext_free
>&2 echo install.cmd: WinFsp's Fsext value %CODE% already names the driver service "%FSEXT_OWNER%":
>&2 echo install.cmd: another FUSE_FSCTL_TRANSACT provider is installed. Uninstall it first.
exit /b 4
:fsext_free
if not defined SERVICE_IMAGE goto service_free
if /i "%SERVICE_IMAGE%"=="%IMAGE%" goto service_free
>&2 echo install.cmd: a service named %SERVICE% already exists for "%SERVICE_IMAGE%":
>&2 echo install.cmd: it is not this script's driver (the original WinFuse?). Uninstall it first.
exit /b 4
:service_free
if /i "%SOURCE%"=="%TARGET%" goto copied
copy /y /b "%SOURCE%" "%TARGET%" >nul
if errorlevel 1 goto copy_failed
if not exist "%TARGET%" goto copy_failed
:copied
echo install.cmd: the driver is %IMAGE%
if defined SERVICE_IMAGE goto service_exists
rem sc prints its errors on stdout: let them through.
sc create %SERVICE% type= kernel start= demand binPath= "%IMAGE%" DisplayName= "WinFuse (FUSE for WinFsp)"
if errorlevel 1 goto sc_create_failed
echo install.cmd: created the kernel driver service %SERVICE% (started on demand)
goto service_done
:service_exists
echo install.cmd: the service %SERVICE% exists already
:service_done
rem WinFsp reads this REG_SZ when a volume asks for 0x93118 and ZwLoadDriver's the service it names.
reg add "%FSEXT_KEY%" /v %CODE% /t REG_SZ /d %SERVICE% /f /reg:32 >nul
if errorlevel 1 goto fsext_failed
echo install.cmd: WinFsp loads %SERVICE% for FsextControlCode 0x93118 (value %CODE% of %FSEXT_KEY%)
echo install.cmd: installed. If an older image was loaded, the new one runs after the next reboot.
exit /b 0
:copy_failed
>&2 echo install.cmd: could not copy "%SOURCE%" to "%TARGET%"
exit /b 5
:sc_create_failed
>&2 echo install.cmd: sc create %SERVICE% failed
exit /b 5
:fsext_failed
>&2 echo install.cmd: could not write the value %CODE% of %FSEXT_KEY%
exit /b 5

:uninstall
call :require_admin
if errorlevel 1 exit /b 3
if not defined FSEXT_OWNER goto fsext_gone
if /i "%FSEXT_OWNER%"=="%SERVICE%" goto fsext_ours
echo install.cmd: left WinFsp's Fsext value %CODE% alone: it names "%FSEXT_OWNER%", not %SERVICE%
goto fsext_gone
:fsext_ours
reg delete "%FSEXT_KEY%" /v %CODE% /f /reg:32 >nul
if errorlevel 1 goto fsext_delete_failed
echo install.cmd: removed WinFsp's Fsext value %CODE%
:fsext_gone
if not defined SERVICE_IMAGE goto service_gone
if /i "%SERVICE_IMAGE%"=="%IMAGE%" goto service_ours
echo install.cmd: left the service %SERVICE% alone: it is for "%SERVICE_IMAGE%", not this script's driver
exit /b 0
:service_ours
sc delete %SERVICE%
if errorlevel 1 goto sc_delete_failed
echo install.cmd: deleted the service %SERVICE%
:service_gone
if not exist "%TARGET%" goto uninstalled
del /f "%TARGET%" >nul 2>&1
if exist "%TARGET%" goto file_busy
echo install.cmd: deleted %IMAGE%
:uninstalled
rem WinFsp keeps a pointer into a loaded provider, so the driver has no unload routine.
echo install.cmd: uninstalled. If WinFsp had loaded the driver, it stays in memory until the next reboot.
exit /b 0
:file_busy
echo install.cmd: %IMAGE% is in use: the next reboot unloads it; delete the file then.
exit /b 0
:fsext_delete_failed
>&2 echo install.cmd: could not delete the value %CODE% of %FSEXT_KEY%
exit /b 5
:sc_delete_failed
>&2 echo install.cmd: sc delete %SERVICE% failed
exit /b 5

rem Sets FSEXT_OWNER (the service that the Fsext value for our code names, empty if none) and
rem SERVICE_IMAGE (the ImagePath of the service named winfuse, empty if there is no such service).
:read_state
set "FSEXT_OWNER="
set "SERVICE_IMAGE="
for /f "tokens=1,2,*" %%n in ('reg query "%FSEXT_KEY%" /v %CODE% /reg:32 2^>nul') do (
    if /i "%%n"=="%CODE%" set "FSEXT_OWNER=%%p"
)
for /f "tokens=1,2,*" %%n in ('reg query "%SERVICE_KEY%" /v ImagePath 2^>nul') do (
    if /i "%%n"=="ImagePath" set "SERVICE_IMAGE=%%p"
)
if defined SERVICE_IMAGE exit /b 0
rem A service of that name without an ImagePath is still another driver's.
reg query "%SERVICE_KEY%" >nul 2>&1
if not errorlevel 1 set "SERVICE_IMAGE=(no ImagePath)"
exit /b 0

rem WinFsp's installer records InstallDir (ending in a backslash) in HKLM\SOFTWARE\WinFsp,
rem 32-bit view, and puts its file system driver in bin\winfsp-x64.sys there.
:require_winfsp
set "WINFSP_DIR="
for /f "tokens=1,2,*" %%n in ('reg query "%WINFSP_KEY%" /v InstallDir /reg:32 2^>nul') do (
    if /i "%%n"=="InstallDir" set "WINFSP_DIR=%%p"
)
if defined WINFSP_DIR goto winfsp_dir
>&2 echo install.cmd: WinFsp is not installed (no InstallDir in %WINFSP_KEY%, 32-bit view).
>&2 echo install.cmd: install WinFsp from https://winfsp.dev first.
exit /b 1
:winfsp_dir
if not "%WINFSP_DIR:~-1%"=="\" set "WINFSP_DIR=%WINFSP_DIR%\"
if exist "%WINFSP_DIR%bin\winfsp-x64.sys" goto winfsp_found
>&2 echo install.cmd: WinFsp's driver "%WINFSP_DIR%bin\winfsp-x64.sys" is missing: repair or reinstall WinFsp.
exit /b 1
:winfsp_found
echo install.cmd: WinFsp is installed in %WINFSP_DIR%
exit /b 0

rem Only administrators may write the drivers folder: try that rather than guess from groups.
:require_admin
set "PROBE=%TARGET%.probe"
if exist "%PROBE%" del /f "%PROBE%" >nul 2>&1
echo probe>"%PROBE%" 2>nul
if not exist "%PROBE%" goto not_admin
del /f "%PROBE%" >nul 2>&1
exit /b 0
:not_admin
>&2 echo install.cmd: cannot write to %SystemRoot%\System32\drivers: run this from an elevated
>&2 echo install.cmd: ("Run as administrator") command prompt.
exit /b 1

:usage
echo usage: install.cmd [install] [PATH\winfuse-x64.sys]
echo        install.cmd uninstall
exit /b 1
