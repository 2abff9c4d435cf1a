; Inno Setup 6 script: a Windows installer for Playbook Studio, made from the PyInstaller bundle.
;
;   1. Build the bundle (on Windows, from the repository root; see README.md):
;        py -3.11 -m PyInstaller packaging\playbook-studio.spec --noconfirm --distpath dist --workpath build\pyinstaller
;   2. Build the installer:
;        "%ProgramFiles(x86)%\Inno Setup 6\ISCC.exe" /DAppVersion=0.1.0 packaging\windows\playbook-studio.iss
;
; Output: dist\PlaybookStudio-<version>-setup.exe. It installs per user without administrator
; rights by default (or for all users when run elevated), adds a Start-menu entry, optionally a
; desktop icon and the `playbook` command on PATH, and uninstalls cleanly.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "Playbook Studio"
#define AppExe "playbook-studio.exe"
#define Bundle "..\..\dist\playbook-studio"

[Setup]
; AppId identifies the product to Windows for upgrades and uninstalling: never change it.
AppId={{102D8630-8B27-42E3-A066-085045373272}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Playbook Studio contributors
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir=..\..\dist
OutputBaseFilename=PlaybookStudio-{#AppVersion}-setup
SetupIconFile=..\icons\playbook-studio.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ChangesEnvironment=yes
; Sign the installer and uninstaller (see README.md) by defining a "signtool" in the IDE or with
; ISCC /S"signtool=signtool.exe sign /fd sha256 /tr http://timestamp.digicert.com /td sha256 /a $f"
; and uncommenting:
; SignTool=signtool

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked
Name: "addtopath"; Description: "Add the ""playbook"" command to PATH"; GroupDescription: "Command line:"; Flags: unchecked

[Files]
Source: "{#Bundle}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Registry]
; HKA is HKCU for a per-user install and HKLM for an all-users install.
Root: HKA; Subkey: "{code:EnvironmentKey}"; ValueType: expandsz; ValueName: "Path"; ValueData: "{olddata};{app}"; Tasks: addtopath; Check: NotOnPath(ExpandConstant('{app}'))

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[Code]
function EnvironmentKey(Param: String): String;
begin
  if IsAdminInstallMode then
    Result := 'SYSTEM\CurrentControlSet\Control\Session Manager\Environment'
  else
    Result := 'Environment';
end;

function EnvironmentRoot: Integer;
begin
  if IsAdminInstallMode then
    Result := HKEY_LOCAL_MACHINE
  else
    Result := HKEY_CURRENT_USER;
end;

function NotOnPath(Dir: String): Boolean;
var
  Paths: String;
begin
  if not RegQueryStringValue(EnvironmentRoot, EnvironmentKey(''), 'Path', Paths) then
    Result := True
  else
    Result := Pos(';' + Uppercase(Dir) + ';', ';' + Uppercase(Paths) + ';') = 0;
end;

{ Take the install folder off PATH again when uninstalling. }
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  Paths, Dir: String;
  P: Integer;
begin
  if CurUninstallStep <> usPostUninstall then
    exit;
  if not RegQueryStringValue(EnvironmentRoot, EnvironmentKey(''), 'Path', Paths) then
    exit;
  Dir := ExpandConstant('{app}');
  Paths := Paths + ';';
  P := Pos(';' + Uppercase(Dir) + ';', Uppercase(Paths));
  if P = 0 then
    exit;
  Delete(Paths, P, Length(Dir) + 1);
  Paths := Copy(Paths, 1, Length(Paths) - 1);
  RegWriteExpandStringValue(EnvironmentRoot, EnvironmentKey(''), 'Path', Paths);
end;
