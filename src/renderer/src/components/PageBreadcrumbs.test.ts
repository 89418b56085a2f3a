/** Where a page sits, as the run, sweep and Compare pages say it. Mounted in jsdom. */
import { mount, RouterLinkStub } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import PageBreadcrumbs from './PageBreadcrumbs.vue'

describe('the breadcrumbs', () => {
  it('start at Runs, link every crumb that has a place, and mark the page itself', () => {
    const wrapper = mount(PageBreadcrumbs, {
      props: { trail: [{ label: 'Compare', to: '/compare' }, { label: '#1, #2' }] },
      global: { stubs: { RouterLink: RouterLinkStub } }
    })
    const links = wrapper.findAllComponents(RouterLinkStub)
    expect(links.map((l) => [l.text(), l.props('to')])).toEqual([
      ['Runs', '/runs'],
      ['Compare', '/compare']
    ])
    expect(wrapper.get('[aria-current="page"]').text()).toBe('#1, #2')
    expect(wrapper.text().replace(/\s+/g, ' ')).toBe('Runs/Compare/#1, #2')
  })
})
