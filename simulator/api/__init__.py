"""The REST API v2: parses, authenticates, authorises and validates; holds no contact-center state.

Every change it makes is a method of the World (`Context.world`); it reads the contact center as a
`core.center_reads.CenterReads` (`Context.center`), which has no method that changes anything.

`resources` implements the reference's conventions once (lists, fields, subresources, resolveUri,
filters, create/assign/bulk answers, roles); each resource module (`me`, `calls`, `users`, `skills`,
`devices`, `queues`, `recordings`, `contacts`, `settings`, `system`) declares its kinds and routes as
data for it; `agent_operations` holds the agent-state, Do Not Disturb and forwarding operations several of
them offer, `monitoring` the supervisor monitoring operations of devices, `features` which feature each
route and operation belongs to (without it, it does not exist),
`control` the simulator's own control API under /sim, `login` what desktops of real servers read at
login beyond the reference. `validation` checks bodies field by field, `responses` maps statusCodes to
HTTP, `middleware` authenticates and turns every refusal into a response, `auth` keeps the HTTP
sessions, `cors`, `crosssite` and `csrf` let browser desktops of other origins in and keep foreign pages
out, `routes` gathers the table, `openapi` describes it.
"""
