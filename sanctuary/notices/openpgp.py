"""OpenPGP-encrypted notices through Debian's gpg (python-gnupg).

Each use works in a fresh, throw-away keyring holding only the recipient's public key: nothing
is kept in a shared gpg home, and no trust database decides anything (the key was chosen by its
owner on his own settings page)."""

import shutil
import subprocess  # nosec B404  # gpgconf only: stops the agent of a throw-away home
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

import gnupg


class UnusableKey(ValueError):
    """The text is not one usable OpenPGP public key."""


@contextmanager
def _keyring(armored: str) -> Iterator[tuple[gnupg.GPG, str]]:
    home = tempfile.mkdtemp(prefix="sanctuary-gpg-")
    try:
        gpg = gnupg.GPG(gnupghome=home)
        gpg.encoding = "utf-8"
        result = gpg.import_keys(armored)
        public = gpg.list_keys()
        if len(public) != 1 or gpg.list_keys(secret=True):
            raise UnusableKey("one public key")
        key = public[0]
        if "e" not in key.get("cap", "").lower() or key.get("trust") in ("r", "e"):
            raise UnusableKey("cannot encrypt")
        if not result.fingerprints:
            raise UnusableKey("no key")
        yield gpg, key["fingerprint"]
    finally:
        gpgconf = shutil.which("gpgconf")
        if gpgconf:
            subprocess.run(  # noqa: S603 - fixed arguments, our own directory
                [gpgconf, "--homedir", home, "--kill", "all"], check=False, capture_output=True
            )
        shutil.rmtree(home, ignore_errors=True)


def fingerprint(armored: str) -> str:
    """The key's fingerprint; UnusableKey unless it is one public key that can encrypt."""
    with _keyring(armored) as (_gpg, found):
        return found


def encrypt(text: str, armored: str) -> str:
    with _keyring(armored) as (gpg, found):
        result = gpg.encrypt(text, [found], always_trust=True, armor=True)
        if not result.ok:
            raise UnusableKey("encryption failed")
        return str(result)
