"""Who may do what: the roles and their rights (roles.py), the audit trail of every change and
export (audit.py), and what `make run` says about where it serves (serving.py). Below every other
package: the writer (etl), the exports and the dashboard all ask it; it imports only settings and
the standard library."""
