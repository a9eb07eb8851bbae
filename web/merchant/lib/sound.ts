'use client';
// The new-order chime, synthesised with Web Audio (no sound file to download). Browsers only let a page play
// sound after the user interacted with it, hence the "sound on" switch that also unlocks the audio context.
import { atom } from 'jotai';

const KEY = 'okada.sound';
export const soundAtom = atom(typeof localStorage !== 'undefined' ? localStorage.getItem(KEY) !== 'off' : true);

let context: AudioContext | null = null;

export function unlockSound(on: boolean): void {
  if (typeof localStorage !== 'undefined') localStorage.setItem(KEY, on ? 'on' : 'off');
  if (!on || typeof window === 'undefined' || !('AudioContext' in window)) return;
  context ??= new AudioContext();
  void context.resume();
}

export function chime(): void {
  if (typeof window === 'undefined' || !('AudioContext' in window)) return;
  context ??= new AudioContext();
  if (context.state !== 'running') return;
  const t0 = context.currentTime;
  for (const [i, freq] of [880, 1175].entries()) {
    const osc = context.createOscillator();
    const gain = context.createGain();
    osc.frequency.value = freq;
    gain.gain.setValueAtTime(0.0001, t0 + i * 0.18);
    gain.gain.exponentialRampToValueAtTime(0.25, t0 + i * 0.18 + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, t0 + i * 0.18 + 0.5);
    osc.connect(gain).connect(context.destination);
    osc.start(t0 + i * 0.18);
    osc.stop(t0 + i * 0.18 + 0.55);
  }
}
