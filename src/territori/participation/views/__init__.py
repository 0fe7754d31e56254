"""The participation pages, one module a concept; staff pages in `staff`, the account in
`accounts`."""
