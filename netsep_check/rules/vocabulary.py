"""The fixed words of the rule language, in a module light enough for the command line to
import at start-up (``netsep-check --version`` should cost little more than click)."""

AREAS = ("designation", "scope", "data", "provider", "endpoint", "network_link",
         "saas_management", "operating_policy", "governance", "evidence")
SEVERITIES = ("critical", "high", "medium", "low")
STRENGTHS = ("official", "secondary", "derived")
