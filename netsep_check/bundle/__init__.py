"""Sealed submissions (``netsep-check bundle create|verify``; ``check`` reads a bundle too).

``archive`` reads zip files as hostile input; ``seal`` makes and verifies bundles on top of
:mod:`netsep_check.api`. Nothing here is imported until a bundle command runs.
"""
