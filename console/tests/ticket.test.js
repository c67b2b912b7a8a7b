import { beforeEach, describe, expect, it } from 'vitest'
import { dropTicket, loadTicket, parseOnce, saveTicket } from '../src/views/login/ticket'

describe('login ticket', () => {
  beforeEach(() => { sessionStorage.clear(); localStorage.clear() })

  it('keeps the poll secret in this tab only (sessionStorage), until it expires', () => {
    saveTicket({ ticket: 't', secret: 's', qr: 'llt-console:t', expiresAt: 2000 })
    expect(localStorage.length).toBe(0)
    expect(loadTicket(1000).secret).toBe('s')
    expect(loadTicket(2000)).toBeNull()
    dropTicket()
    expect(loadTicket(0)).toBeNull()
  })

  it('reads the one-time link of flask console-login', () => {
    expect(parseOnce('abc.def.ghi')).toEqual({ ticket: 'abc', secret: 'def.ghi' })
    expect(parseOnce('abc')).toBeNull()
    expect(parseOnce('.x')).toBeNull()
    expect(parseOnce(undefined)).toBeNull()
  })
})
