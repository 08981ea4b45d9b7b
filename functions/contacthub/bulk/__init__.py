"""Contacts in and out in bulk: CSV and vCard files read into canonical create fields, contacts written out.

Pure and streaming: readers take an iterable of text lines and yield one row at a time, writers yield one
chunk of text at a time, so a file of any size goes through in constant memory.
"""
