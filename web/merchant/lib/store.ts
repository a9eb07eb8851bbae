// One Jotai store for the app's UI state (language, chosen store, sound), readable outside React by the API
// client (for Accept-Language).
import { createStore } from 'jotai';

export const appStore = createStore();
