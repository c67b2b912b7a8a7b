// 服务目录与积分商城 (admin and staff): categories and their rules, partners, merchants, items
// and a merchant's sales.
import { get, post, request } from './client'

export const categories = (q) => get('/categories', q)
export const createCategory = (body) => post('/categories', body)
export const updateCategory = (id, body) => request('PATCH', `/categories/${id}`, { body })
export const partners = (q) => get('/partners', q)
export const createPartner = (body) => post('/partners', body)
export const updatePartner = (id, body) => request('PATCH', `/partners/${id}`, { body })
export const merchants = (q) => get('/mall/merchants', q)
/** {name, community_id?, partner_id?}: staff for their community, the admin for any (or none). */
export const createMerchant = (body) => post('/mall/merchants', body)
export const communities = () => get('/communities', { limit: 100 })
export const items = (q) => get('/mall/items', q)
export const createItem = (body) => post('/mall/items', body)
export const updateItem = (id, body) => request('PATCH', `/mall/items/${id}`, { body })
export const sales = (merchantId, q) => get(`/mall/merchants/${merchantId}/vouchers`, q)
export const merchantAccount = (merchantId) => get(`/mall/merchants/${merchantId}/account`)
