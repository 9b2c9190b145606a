"""Writes to the register, one module per family: residents (and guardians), consents,
corrections asked for by residents, and anonymisation. Each service checks scope,
validates, saves and audits in its own transaction."""
