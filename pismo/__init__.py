"""pismo: registers written appeals and claims, checks them against the law, drafts replies.

The application around the libraries ``intake``, ``ocr``, ``letters`` and
``store``.  Its kernel (``errors``, ``settings``, ``states``) is what every
layer may import; nothing else here is imported by the libraries.  The rest:
``context`` (what every stage is given), ``stages`` (the flow of one letter),
``running`` (the stages inline or queued, over the sources), ``actions``
(everything staff do, whatever they do it from), ``dispatch``, ``reports``,
``ops``, ``cli`` and ``review`` (the web app).
"""

__version__ = "0.1.0"
