# Packaging targets (issue 7), included from the Makefile, which defines VENV, PY and $(STAMP).
#
#   make package          build the standalone Linux bundle dist/playbook-studio/ and a .tar.gz
#   make package-test     smoke-test the bundle: GUI offscreen, CLI validate/run/export (minutes)
#   make package-install  add the bundle to this user's application menu (dist/.../install.sh)
#
# The bundle is rebuilt only when the code, resources or recipe changed since the last build.
BUNDLE := dist/playbook-studio
PACKAGE_VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml)
PACKAGE_TARBALL := dist/playbook-studio-$(PACKAGE_VERSION)-linux-$(shell uname -m).tar.gz
PACKAGE_INPUTS := pyproject.toml packaging/playbook-studio.spec \
	$(shell find runtime designer resources packaging/launchers packaging/linux packaging/icons \
		-type f -not -name '*.pyc' 2>/dev/null)

.PHONY: package package-test package-install

package: $(BUNDLE)/.built
	@printf 'Bundle: %s (%s), archive: %s (%s)\n' $(BUNDLE) "$$(du -sh $(BUNDLE) | cut -f1)" \
		$(PACKAGE_TARBALL) "$$(du -sh $(PACKAGE_TARBALL) | cut -f1)"
	@echo "Start it: $(BUNDLE)/playbook-studio    Add it to the applications menu: make package-install"

$(BUNDLE)/.built: $(STAMP) $(PACKAGE_INPUTS)
	$(PY) -m pip install --quiet 'pyinstaller>=6,<7'
	$(PY) -m PyInstaller packaging/playbook-studio.spec --noconfirm --log-level WARN \
		--distpath dist --workpath build/pyinstaller
	tar -C dist -czf $(PACKAGE_TARBALL) playbook-studio
	@touch $@

package-test: $(BUNDLE)/.built
	packaging/smoke_test.sh $(BUNDLE)

package-install: $(BUNDLE)/.built
	$(BUNDLE)/install.sh
