"""The forms of the marketplace, one module per stage. Forms only parse what people type and
keep it to show again; the services judge the content, and the views put their refusals
beside the fields they concern."""
