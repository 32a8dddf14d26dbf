#!/usr/bin/env bash
# Installs what building pgbridge with all its features needs beyond Rust, when missing:
# libclang (Debian's libclang-dev), which rusqlite's bindgen uses for the SQLite pre-update
# hook of the `observers` feature. Needs root or passwordless sudo to install; without them it
# says what to install and fails.
set -euo pipefail

has_libclang() {
    [[ -n "${LIBCLANG_PATH:-}" ]] && return 0
    # libclang itself (libclang.so.N, libclang-N.so.N), not libclang-cpp, which some
    # machines have without it and which bindgen cannot use.
    compgen -G '/usr/lib/llvm-*/lib/libclang.so*' >/dev/null ||
        compgen -G '/usr/lib/*/libclang.so*' >/dev/null ||
        compgen -G '/usr/lib/*/libclang-[0-9]*.so*' >/dev/null
}

if has_libclang; then
    exit 0
fi
echo "==> installing Debian's libclang-dev (bindgen, for the observers feature)" >&2
if [[ $(id -u) -eq 0 ]]; then
    SUDO=()
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    SUDO=(sudo -n)
else
    echo "libclang is missing: install it with 'sudo apt-get install libclang-dev'" >&2
    exit 1
fi
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libclang-dev
