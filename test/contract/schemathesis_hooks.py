"""Strategies for Dialwise's own GraphQL scalars (src/api/graphql/scalars.ts).

A fuzzer cannot guess what a custom scalar admits; these generate exactly
the values each scalar's rule (and description) admits, so a value the
server refuses is a finding. Loaded by the contract test through
SCHEMATHESIS_HOOKS.
"""

import base64
import json

import schemathesis
from hypothesis import strategies as st
from schemathesis.graphql import nodes

INT32 = 2**31 - 1


def cursor(pair):
    text = json.dumps(list(pair), separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


schemathesis.graphql.scalar(
    "Name", st.from_regex(r"\A[A-Za-z0-9._@-]{1,64}\Z").map(nodes.String)
)
schemathesis.graphql.scalar(
    "Cursor",
    st.tuples(
        st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1)
        | st.floats(allow_nan=False, allow_infinity=False),
        st.text(max_size=40),
    )
    .map(cursor)
    .filter(lambda c: len(c) <= 512)
    .map(nodes.String),
)
schemathesis.graphql.scalar(
    "SearchText",
    st.text(min_size=1, max_size=500)
    .filter(lambda s: any(c.isalnum() for c in s))
    .map(nodes.String),
)
schemathesis.graphql.scalar(
    "PositiveFloat",
    st.floats(min_value=0, exclude_min=True, max_value=1e12).map(nodes.Float),
)
schemathesis.graphql.scalar(
    "NonNegativeFloat", st.floats(min_value=0, max_value=1e12).map(nodes.Float)
)
schemathesis.graphql.scalar(
    "PositiveInt", st.integers(min_value=1, max_value=INT32).map(nodes.Int)
)
schemathesis.graphql.scalar(
    "NonNegativeInt", st.integers(min_value=0, max_value=INT32).map(nodes.Int)
)
schemathesis.graphql.scalar(
    "CustomerId", st.from_regex(r"\A[A-Za-z0-9_-]{1,64}\Z").map(nodes.String)
)
schemathesis.graphql.scalar(
    "TimeZone",
    st.sampled_from(
        ["UTC", "Asia/Shanghai", "Asia/Kolkata", "America/New_York", "Europe/Berlin"]
    ).map(nodes.String),
)
