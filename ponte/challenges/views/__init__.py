"""The pages of the marketplace, one module per stage of a challenge's journey.

Views stay thin: parse a form, call a read or a service, render. A service's refusal is
shown on the form, beside the field it concerns, with nothing typed lost; a decision's
refusal is a message on the page it came from."""
