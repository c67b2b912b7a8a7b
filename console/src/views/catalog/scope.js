// What of the mall a user manages: an admin every merchant, staff the merchants of their own
// communities (the API lists every merchant and every published item to anyone signed in, for
// the residents' mall; the desk shows staff only their own).

/** The merchants a user works with: all for an admin, else those of `own` communities. */
export function ownMerchants(merchants, own, admin) {
  if (admin) return merchants
  return merchants.filter((m) => own.includes(m.community_id))
}

/** The items query's community: none for an admin, else the staff's (first) community. */
export const itemsCommunity = (own, admin) => (admin ? undefined : own[0] || undefined)
