// Customer profiles and the list by intent score.
import { gql } from '@apollo/client';
import type { TypedDocumentNode } from '@apollo/client';
import type {
  CustomerByPhoneQuery,
  CustomerByPhoneQueryVariables,
  CustomerQuery,
  CustomerQueryVariables,
  ConsentLedgerQuery,
  ConsentLedgerQueryVariables,
  CustomersQuery,
  CustomersQueryVariables,
  LedgerFragment,
  ProfileFragment,
} from './graphql-types.js';

/** A customer's profile (phone and name only where asked for: `$full`). */
export type Customer = ProfileFragment & LedgerFragment;
export type CallSummary = Customer['recentCalls'][number];
export type Consent = Customer['consent'][number];
export type ConsentChange = Customer['consentChanges'][number];
export type Count = Customer['intents'][number];
export type Field = Customer['crm'][number];
export type CustomersData = CustomersQuery;
export type CustomerListItem = CustomersQuery['customers']['customers'][number];

// The consent ledger as it reads now and every change with its proof; the
// words (audited) only where asked for ($full): null for other roles anyway.
const LEDGER = gql`
  fragment Ledger on Customer {
    consent {
      scope
      purpose
      state
      granted
      at
    }
    consentChanges {
      scope
      purpose
      granted
      at
      source
      callId
      eventId
      cue
      text @include(if: $full)
    }
  }
`;

// `phone` and `name` are asked for only by roles that may see them ($full):
// every such read is audited, so nobody else should cause one.
const PROFILE = gql`
  fragment Profile on Customer {
    customerId
    phoneMasked
    phone @include(if: $full)
    name @include(if: $full)
    tags
    intentScore
    calls
    answered
    contacts7d
    lastCallAt
    webVisits
    lastVisitAt
    crm {
      key
      value
    }
    crmUnmapped {
      key
      value
    }
    intents {
      key
      count
    }
    objections {
      key
      count
    }
    facts {
      key
      value
    }
    valence
    openCalls
    recentCalls {
      callId
      startedAt
      campaign
      productLine
      scriptVersion
      handledBy
      answered
      outcome
      durationSeconds
      intentScore
      complianceHits
    }
  }
`;

export const CUSTOMER_QUERY: TypedDocumentNode<CustomerQuery, CustomerQueryVariables> = gql`
  query Customer($id: ID!, $full: Boolean!) {
    customer(id: $id) {
      ...Profile
      ...Ledger
    }
  }
  ${PROFILE}
  ${LEDGER}
`;

/** Compliance and admin only (matched by keyed hash, audited). */
export const CUSTOMER_BY_PHONE_QUERY: TypedDocumentNode<
  CustomerByPhoneQuery,
  CustomerByPhoneQueryVariables
> = gql`
  query CustomerByPhone($phone: String!, $full: Boolean!) {
    customerByPhone(phone: $phone) {
      ...Profile
      ...Ledger
    }
  }
  ${PROFILE}
  ${LEDGER}
`;

export const CUSTOMERS_QUERY: TypedDocumentNode<CustomersQuery, CustomersQueryVariables> = gql`
  query Customers($tag: String, $limit: Int, $after: Cursor) {
    customers(tag: $tag, limit: $limit, after: $after) {
      customers {
        customerId
        intentScore
        tags
        calls
        lastCallAt
      }
      nextCursor
    }
  }
`;

/** A customer's consent ledger and its changes again, after a change. */
export const CONSENT_LEDGER_QUERY: TypedDocumentNode<
  ConsentLedgerQuery,
  ConsentLedgerQueryVariables
> = gql`
  query ConsentLedger($id: ID!, $full: Boolean!) {
    customer(id: $id) {
      customerId
      ...Ledger
    }
  }
  ${LEDGER}
`;
