/** The demo study (temporary stub until the demo generator lands). */
import { appStore } from '../store/appStore.ts';

export async function openDemoStudy(): Promise<void> {
  appStore.set({ status: '' });
}
