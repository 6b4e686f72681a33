"""netsep-check: does a SaaS rollout meet the conditions of its network-separation exception?

The pipeline reads as the sub-packages: ``load`` → ``validate`` → ``rules`` (compile) →
``evaluate`` → ``report``.  ``cli`` is a thin click layer over them.
"""

__version__ = "1.0.0"
