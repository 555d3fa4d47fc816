"""Shared UI helpers for the pages: strings, colours, URL parameters, cached core calls and figures.

Everything Streamlit-specific lives here or in the page files; `lsr_core` stays pure.
"""
