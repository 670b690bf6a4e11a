"""The libvirt authentication calls: declare credential types, answer libvirt's requests.

The state lives in ``guestfs/backends/_libvirt_auth.py`` (one per handle);
``add_domain`` and the libvirt backend open their connections through
``open_connection``, which fires the ``libvirt_auth`` event when the user
declared credential types and listens for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..backends._libvirt_auth import CHALLENGE, DEFRESULT, PROMPT, auth_of
from . import library_action

if TYPE_CHECKING:
    from ..handle import GuestFS


@library_action("set_libvirt_supported_credentials")
def set_libvirt_supported_credentials(g: GuestFS, creds: list[str]) -> None:
    """Declare the credential types the program answers (an empty list: none)."""
    auth_of(g).set_supported(creds)


@library_action("get_libvirt_requested_credentials")
def get_libvirt_requested_credentials(g: GuestFS) -> list[str]:
    """The credential types libvirt asks for now (only during the event)."""
    return auth_of(g).requested_types()


@library_action("get_libvirt_requested_credential_prompt")
def get_libvirt_requested_credential_prompt(g: GuestFS, index: int) -> str:
    """libvirt's prompt for credential ``index`` (only during the event)."""
    return auth_of(g).field("get_libvirt_requested_credential_prompt", index, PROMPT)


@library_action("get_libvirt_requested_credential_challenge")
def get_libvirt_requested_credential_challenge(g: GuestFS, index: int) -> str:
    """libvirt's challenge for credential ``index`` (only during the event)."""
    return auth_of(g).field("get_libvirt_requested_credential_challenge", index, CHALLENGE)


@library_action("get_libvirt_requested_credential_defresult")
def get_libvirt_requested_credential_defresult(g: GuestFS, index: int) -> str:
    """libvirt's default answer for credential ``index`` (only during the event)."""
    return auth_of(g).field("get_libvirt_requested_credential_defresult", index, DEFRESULT)


@library_action("set_libvirt_requested_credential")
def set_libvirt_requested_credential(g: GuestFS, index: int, cred: bytes) -> None:
    """Answer credential ``index`` (only during the event)."""
    auth_of(g).answer(index, cred)
