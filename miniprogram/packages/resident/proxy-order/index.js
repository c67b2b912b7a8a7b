/**
 * 替家人下单: a family member bound to the same household orders for a resident (代下单).
 * The form is shared with staff (utils/proxy-order.js); here the people are those bound to my
 * households, and the resident's consent may be given through the family.
 */
const household = require('../services/household');
const session = require('../../../utils/session');
const { proxyOrderPage } = require('../../../utils/proxy-order');

Page(proxyOrderPage({
  placedAs: 'family',
  consents: ['family', 'phone_call', 'in_person'],
  async loadPeople() {
    const user = await session.refreshUser();
    return household.familyMembers(user);
  },
}));
