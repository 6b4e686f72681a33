"""The words of the rule language: re-exported from :mod:`netsep_check.vocabulary`."""

from netsep_check.vocabulary import AREAS, SEVERITIES, STRENGTHS

__all__ = ["AREAS", "SEVERITIES", "STRENGTHS"]
