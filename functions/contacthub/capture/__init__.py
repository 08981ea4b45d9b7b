"""Contact capture: turn pasted text (an email signature, a vCard, a business card) into contact fields.

Pure Python, no AWS: `extract.extract(text)` is the entry point; `model` holds the extraction result and
the stored draft behind a confirmation token. Heavy libraries (vobject, phonenumbers) are imported only
when a text is actually parsed, so a cold start that never captures never pays for them.
"""
