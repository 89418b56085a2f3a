import { createPinia } from 'pinia'
import { createApp } from 'vue'
import App from './App.vue'
import { followDesktopCommands } from './desktop'
import { router } from './router'
import './styles/index.css'

createApp(App).use(createPinia()).use(router).mount('#app')
followDesktopCommands(router)
