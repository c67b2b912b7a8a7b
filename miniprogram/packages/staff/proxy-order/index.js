/**
 * 代下单 (staff): many elderly residents phone the community instead of opening the app. Staff
 * pick the resident (a resident with an approved binding in their community), the service and
 * how the resident agreed — on the phone or in person, with a note of the call. The form is
 * shared with family members (utils/proxy-order.js).
 */
const review = require('../services/review');
const session = require('../../../utils/session');
const { proxyOrderPage } = require('../../../utils/proxy-order');

Page(proxyOrderPage({
  placedAs: 'staff',
  consents: ['phone_call', 'in_person'],
  async loadPeople() {
    const user = session.cachedUser() || await session.refreshUser();
    const communityId = session.workCommunity(user) || session.communityOf(user, 'staff');
    const res = await review.bindings({ community_id: communityId, status: 'approved', limit: 100 });
    return (res.items || []).map((b) => ({
      userId: b.user_id, householdId: b.household_id, nickname: b.user_nickname, address: b.address,
    }));
  },
}));
