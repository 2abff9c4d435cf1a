"""Tests for packaging/: desktop entry, AppStream metainfo, icons, the PyInstaller recipe, the
frozen ``python -I -c`` stand-in, install.sh, and resources reachable through importlib.resources.

Fast and build-free (the bundle itself is tested by ``make package-test``). The checks that need
``desktop-file-validate`` (desktop-file-utils) or ``appstreamcli`` (appstream) skip when those
tools are not installed.
"""

from __future__ import annotations

import configparser
import importlib.util
import os
import re
import shutil
import struct
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from importlib import resources
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGING = ROOT / "packaging"
DESKTOP = PACKAGING / "linux" / "playbook-studio.desktop"
APP_ID = "io.github.playbookstudio.PlaybookStudio"
METAINFO = PACKAGING / "linux" / f"{APP_ID}.metainfo.xml"
ICONS = PACKAGING / "icons"
SPEC = PACKAGING / "playbook-studio.spec"
MIME = PACKAGING / "linux" / "playbook-studio-mime.xml"
MIME_TYPE = "application/x-playbook-studio+json"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
# AppStream warnings accepted until the project has a public homepage to point <url> at.
APPSTREAM_ALLOWED = {"url-homepage-missing"}
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
SCRIPTS: dict[str, str] = PYPROJECT["project"]["scripts"]


def desktop_entry(path: Path = DESKTOP) -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read_string(path.read_text(encoding="utf-8"))
    assert parser.sections() == ["Desktop Entry"]
    return dict(parser["Desktop Entry"])


def load_launcher_module(name: str) -> ModuleType:
    """Import packaging/launchers/NAME.py without putting packaging/ on sys.path."""
    spec = importlib.util.spec_from_file_location(f"_launcher_{name}",
                                                  PACKAGING / "launchers" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


# --- desktop entry -----------------------------------------------------------------------------


def test_desktop_entry_launches_the_gui_entry_point() -> None:
    entry = desktop_entry()
    assert entry["Type"] == "Application"
    assert entry["Name"] == "Playbook Studio"
    program, *args = entry["Exec"].split()
    assert program == "playbook-studio" and program in SCRIPTS
    assert SCRIPTS[program] == "designer.app:main"
    assert args == ["%f"]  # the designer opens one file given on its command line
    assert entry["TryExec"] == program
    assert entry["Terminal"] == "false"
    assert entry["Icon"] == "playbook-studio"
    categories = entry["Categories"]
    assert categories.endswith(";") and "Development" in categories.split(";")
    assert entry["Keywords"].endswith(";")


def test_desktop_entry_passes_desktop_file_validate() -> None:
    tool = shutil.which("desktop-file-validate")
    if tool is None:
        pytest.skip("desktop-file-validate (desktop-file-utils) is not installed")
    result = subprocess.run([tool, str(DESKTOP)], capture_output=True, text=True)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


# --- AppStream metainfo ------------------------------------------------------------------------


def test_metainfo_describes_the_desktop_application() -> None:
    root = ET.parse(METAINFO).getroot()
    assert root.tag == "component" and root.get("type") == "desktop-application"
    assert root.findtext("id") == APP_ID
    assert root.findtext("metadata_license") == "CC0-1.0"
    assert root.findtext("project_license")
    assert root.findtext("name") == desktop_entry()["Name"]
    summary = root.findtext("summary") or ""
    assert summary and not summary.endswith(".")
    assert root.find("description/p") is not None
    launchable = root.find("launchable")
    assert launchable is not None and launchable.get("type") == "desktop-id"
    assert launchable.text == DESKTOP.name
    binaries = {element.text for element in root.findall("provides/binary")}
    assert binaries == set(SCRIPTS)
    releases = [release.get("version") for release in root.findall("releases/release")]
    assert releases and releases[0] == PYPROJECT["project"]["version"]
    assert root.find("content_rating") is not None


def test_metainfo_passes_appstreamcli_validate() -> None:
    tool = shutil.which("appstreamcli")
    if tool is None:
        pytest.skip("appstreamcli (appstream) is not installed")
    result = subprocess.run([tool, "validate", "--no-net", str(METAINFO)],
                            capture_output=True, text=True)
    output = result.stdout + result.stderr
    issues = re.findall(r"^([EW]): \S+?:(?:\d+:)? ?(\S+)", output, flags=re.MULTILINE)
    blocking = [(level, tag) for level, tag in issues if tag not in APPSTREAM_ALLOWED]
    assert not blocking, output
    assert result.returncode == 0 or issues, output


# --- icons -------------------------------------------------------------------------------------


def test_svg_icon_is_a_square_svg() -> None:
    root = ET.parse(ICONS / "playbook-studio.svg").getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("viewBox") == "0 0 256 256"
    assert len(root.findall(".//{http://www.w3.org/2000/svg}circle")) == 3  # three linked nodes


@pytest.mark.parametrize("size", PNG_SIZES)
def test_png_icon_exists_in_every_size(size: int) -> None:
    path = ICONS / "hicolor" / f"{size}x{size}" / "apps" / "playbook-studio.png"
    assert png_size(path) == (size, size)


def test_windows_ico_and_macos_icns_hold_png_images() -> None:
    ico = (ICONS / "playbook-studio.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", ico[:6])
    assert (reserved, kind) == (0, 1) and count == 7
    for index in range(count):
        _w, _h, _c, _r, _planes, _bpp, size, offset = struct.unpack(
            "<BBBBHHII", ico[6 + 16 * index: 22 + 16 * index])
        assert ico[offset: offset + 4] == b"\x89PNG" and offset + size <= len(ico)
    icns = (ICONS / "playbook-studio.icns").read_bytes()
    assert icns[:4] == b"icns" and struct.unpack(">I", icns[4:8])[0] == len(icns)
    assert b"ic10" in icns  # 1024 px (512 @2x), the size the App Store asks for


# --- PyInstaller recipe and launchers -----------------------------------------------------------


def test_spec_builds_both_entry_points_into_one_bundle() -> None:
    spec = SPEC.read_text(encoding="utf-8")
    assert 'analyse("playbook_studio.py", qt=True)' in spec
    assert 'analyse("playbook.py", qt=False)' in spec
    for name in SCRIPTS:
        assert f'"{name}"' in spec
    assert re.search(r"COLLECT\(\s*(#.*)?\s*gui_exe,\s*cli_exe,", spec), "one COLLECT for both EXEs"
    assert 'collect_data_files("resources")' in spec
    unused = spec[spec.index("QT_MODULES_UNUSED = ["):spec.index("EXCLUDES = [")]
    for module in ("QtNetwork", "QtQml", "QtQuick", "QtWebEngineCore", "QtMultimedia"):
        assert f'"{module}"' in unused, f"{module} should be excluded"
    for module in ("QtCore", "QtGui", "QtWidgets"):
        assert f'"{module}"' not in unused
    assert '"translations", "qml"' in spec  # Qt translations and QML are dropped


@pytest.mark.parametrize("launcher", ["playbook", "playbook_studio"])
def test_launchers_start_the_pyproject_entry_points(launcher: str) -> None:
    text = (PACKAGING / "launchers" / f"{launcher}.py").read_text(encoding="utf-8")
    name = launcher.replace("_", "-")
    module, function = SCRIPTS[name].split(":")
    assert f"from {module} import {function}" in text
    assert text.index("run_python_command_line()") < text.index(f"from {module} import")


def test_python_command_line_is_recognised() -> None:
    frozen = load_launcher_module("frozen_python")
    assert frozen.python_code(["playbook", "-I", "-c", "print(1)", "7", "1"]) == (
        "print(1)", ["-c", "7", "1"])
    assert frozen.python_code(["playbook", "-c", "pass"]) == ("pass", ["-c"])
    assert frozen.python_code(["playbook", "run", "x.json"]) is None
    assert frozen.python_code(["playbook", "-I"]) is None
    assert frozen.python_code(["playbook-studio", "file.json", "-c", "x"]) is None


def test_bootloader_environment_is_forgotten() -> None:
    frozen = load_launcher_module("frozen_python")
    environ = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "PYTHONIOENCODING": "utf-8",
               "LD_LIBRARY_PATH": "/opt/bundle/_internal", "_PYI_ARCHIVE_FILE": "/opt/x",
               "_PYI_PARENT_PROCESS_LEVEL": "0"}
    frozen.forget_bootloader_environment(environ)
    assert set(environ) == {"PATH", "LANG", "PYTHONIOENCODING"}  # what the sandbox passes
    environ = {"LD_LIBRARY_PATH": "/opt/bundle/_internal:/mine", "LD_LIBRARY_PATH_ORIG": "/mine"}
    frozen.forget_bootloader_environment(environ)
    assert environ == {"LD_LIBRARY_PATH": "/mine"}


def test_stand_in_does_nothing_outside_a_bundle(monkeypatch: pytest.MonkeyPatch) -> None:
    frozen = load_launcher_module("frozen_python")
    monkeypatch.setattr(sys, "argv", ["playbook", "-I", "-c", "raise SystemExit(9)"])
    monkeypatch.delattr(sys, "frozen", raising=False)
    frozen.run_python_command_line()  # returns: not frozen
    assert sys.argv[1] == "-I"


# --- make targets, smoke test, install.sh -------------------------------------------------------


def test_make_targets_are_defined() -> None:
    make = (PACKAGING / "make.mk").read_text(encoding="utf-8")
    assert re.search(r"^package: ", make, flags=re.MULTILINE)
    assert re.search(r"^package-test: ", make, flags=re.MULTILINE)
    assert "$(STAMP)" in make and "pip install --quiet 'pyinstaller>=6,<7'" in make
    assert "packaging/smoke_test.sh" in make
    for script in ("smoke_test.sh", "linux/install.sh"):
        path = PACKAGING / script
        assert os.access(path, os.X_OK), f"{script} is not executable"
        shell = "bash" if script.endswith("smoke_test.sh") else "sh"
        assert subprocess.run([shell, "-n", str(path)]).returncode == 0


def _fake_bundle(where: Path) -> Path:
    """A bundle directory with the desktop files the spec adds and two stub executables."""
    bundle = where / "Playbook Studio bundle"
    (bundle / "share" / "applications").mkdir(parents=True)
    (bundle / "share" / "metainfo").mkdir(parents=True)
    shutil.copy(DESKTOP, bundle / "share" / "applications")
    shutil.copy(METAINFO, bundle / "share" / "metainfo")
    (bundle / "share" / "mime" / "packages").mkdir(parents=True)
    shutil.copy(MIME, bundle / "share" / "mime" / "packages" / "playbook-studio.xml")
    shutil.copytree(ICONS / "hicolor", bundle / "share" / "icons" / "hicolor")
    shutil.copy(PACKAGING / "linux" / "install.sh", bundle / "install.sh")
    for name in SCRIPTS:
        stub = bundle / name
        stub.write_text("#!/bin/sh\nexit 0\n")
        stub.chmod(0o755)
    return bundle


@pytest.mark.skipif(shutil.which("sh") is None, reason="needs a POSIX shell")
def test_install_sh_adds_and_removes_the_desktop_entry(tmp_path: Path) -> None:
    bundle = _fake_bundle(tmp_path)
    prefix = tmp_path / "prefix"
    run = subprocess.run([str(bundle / "install.sh"), "--prefix", str(prefix)],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    installed = prefix / "share" / "applications" / DESKTOP.name
    entry = desktop_entry(installed)
    assert entry["Exec"] == f'"{bundle}/playbook-studio" %f'  # quoted: the path has spaces
    assert entry["TryExec"] == f"{bundle}/playbook-studio"
    assert (prefix / "share" / "icons" / "hicolor" / "48x48" / "apps" / "playbook-studio.png").exists()
    assert (prefix / "share" / "metainfo" / METAINFO.name).exists()
    assert (prefix / "share" / "mime" / "packages" / "playbook-studio.xml").exists()
    if shutil.which("update-mime-database"):  # the database now knows the file type
        globs = (prefix / "share" / "mime" / "globs2").read_text(encoding="utf-8")
        assert "application/x-playbook-studio+json:*.playbook.json" in globs
    assert (prefix / "bin" / "playbook").resolve() == (bundle / "playbook").resolve()
    if shutil.which("desktop-file-validate"):
        check = subprocess.run(["desktop-file-validate", str(installed)], capture_output=True,
                               text=True)
        assert check.returncode == 0 and not check.stdout.strip(), check.stdout
    run = subprocess.run([str(bundle / "install.sh"), "--prefix", str(prefix), "--uninstall"],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert not installed.exists() and not (prefix / "bin" / "playbook").exists()
    assert not (prefix / "share" / "mime" / "packages" / "playbook-studio.xml").exists()
    assert not list((prefix / "share" / "icons").rglob("*.png"))


def test_the_file_type_matches_playbooks_and_the_desktop_entry_opens_it() -> None:
    import fnmatch

    ns = {"m": "http://www.freedesktop.org/standards/shared-mime-info"}
    root = ET.parse(MIME).getroot()
    kinds = root.findall("m:mime-type", ns)
    assert [k.get("type") for k in kinds] == [MIME_TYPE]
    patterns = [g.get("pattern") for g in kinds[0].findall("m:glob", ns)]
    assert patterns == ["*.playbook.json"]
    assert fnmatch.fnmatch("suspicious-logon-triage.playbook.json", patterns[0])
    assert not fnmatch.fnmatch("triage.server.json", patterns[0])  # exports stay plain JSON
    assert kinds[0].find("m:sub-class-of", ns).get("type") == "application/json"
    assert desktop_entry()["MimeType"] == f"{MIME_TYPE};"
    assert "playbook-studio-mime.xml" in SPEC.read_text(encoding="utf-8")


# --- resources through importlib.resources -------------------------------------------------------


def test_resources_are_reachable_through_importlib_resources() -> None:
    package = resources.files("resources")
    assert (package / "catalog" / "index.json").is_file()
    assert (package / "catalog" / "meta-schema.json").is_file()
    assert (package / "fixtures" / "default_tenant.json").is_file()
    examples = sorted(entry.name for entry in (package / "examples").iterdir())
    assert "phishing-response.playbook.json" in examples  # the smoke test's sandbox example
    assert "suspicious-logon-triage.playbook.json" in examples


# Modules allowed to use __file__: the sandbox reads its child bootstrap next to itself (the spec
# collects that file as source); the catalog, read by every command, looks in the resources
# package's folder first (importlib.resources' readers cost 2 ms of each start-up) and asks
# importlib.resources when the package is not a folder.
FILE_ALLOWED = {"runtime/sandbox/process.py", "runtime/catalog/__init__.py"}


def test_code_finds_resources_without_file_paths() -> None:
    offenders = []
    for package in ("runtime", "designer"):
        for path in (ROOT / package).rglob("*.py"):
            relative = path.relative_to(ROOT).as_posix()
            if relative not in FILE_ALLOWED and "__file__" in path.read_text(encoding="utf-8"):
                offenders.append(relative)
    assert not offenders, f"use importlib.resources.files('resources') instead: {offenders}"
