import { get } from './client'

export const partners = (communityId) => get('/partners', { community_id: communityId, limit: 100 })
export const communities = () => get('/communities', { limit: 100 })
