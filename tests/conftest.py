"""Test configuration: our fixtures come from the ``guestfs.testing`` plugin."""

pytest_plugins = ["guestfs.testing"]
