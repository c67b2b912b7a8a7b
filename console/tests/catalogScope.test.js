import { describe, expect, it } from 'vitest'
import { itemsCommunity, ownMerchants } from '../src/views/catalog/scope'

const merchants = [{ id: 1, name: '观湖邻里超市', community_id: 1 }, { id: 2, name: '昌达便利店', community_id: 2 }]

describe("the mall at the desk: staff see only their community's merchants and items", () => {
  it('filters merchants for staff, not for an admin', () => {
    expect(ownMerchants(merchants, [2], false).map((m) => m.id)).toEqual([2])
    expect(ownMerchants(merchants, [], true)).toHaveLength(2)
  })
  it("asks for the items of the staff's community", () => {
    expect(itemsCommunity([2], false)).toBe(2)
    expect(itemsCommunity([], true)).toBeUndefined()
  })
})
