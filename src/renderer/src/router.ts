import { createRouter, createWebHashHistory } from 'vue-router'
import CompareView from './views/CompareView.vue'
import NewExperimentView from './views/NewExperimentView.vue'
import RunsView from './views/RunsView.vue'
import RunView from './views/RunView.vue'
import SweepView from './views/SweepView.vue'

// Hash history: the built renderer loads from file:// in Electron and from / over HTTP.
export const router = createRouter({
  history: createWebHashHistory(),
  routes: [
    { path: '/', redirect: '/new' },
    {
      path: '/new',
      name: 'new',
      component: NewExperimentView,
      meta: { title: 'New experiment' }
    },
    { path: '/runs', name: 'runs', component: RunsView, meta: { title: 'Runs' } },
    {
      path: '/runs/:id(\\d+)',
      name: 'run',
      component: RunView,
      props: (route) => ({ id: Number(route.params.id) }),
      meta: { title: 'Run' }
    },
    {
      path: '/sweeps/:id(\\d+)',
      name: 'sweep',
      component: SweepView,
      props: (route) => ({ id: Number(route.params.id) }),
      meta: { title: 'Sweep' }
    },
    { path: '/compare', name: 'compare', component: CompareView, meta: { title: 'Compare' } },
    {
      path: '/compare/:comparisonId(\\d+)',
      name: 'comparison',
      component: CompareView,
      props: (route) => ({ comparisonId: Number(route.params.comparisonId) }),
      meta: { title: 'Comparison' }
    },
    { path: '/:pathMatch(.*)*', redirect: '/new' }
  ]
})

router.afterEach((to) => {
  const title = typeof to.meta.title === 'string' ? to.meta.title : ''
  document.title = title ? `${title} · Backdoor Lab` : 'Backdoor Lab'
})
