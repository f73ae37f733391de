// Reads QR codes from the camera. The browser's BarcodeDetector where it has one (Android,
// ChromeOS, macOS); elsewhere jsQR, bundled with the app and precached, so scanning works
// offline and nothing is fetched at run time. A frame is looked at every SCAN_INTERVAL_MS.
import type jsQRType from 'jsqr';

export type ScanEngine = 'native' | 'fallback';

export interface Scanner {
  engine: ScanEngine;
  stop(): void;
}

const SCAN_INTERVAL_MS = 200;
/** Frames are scaled down to this width for jsQR: enough for a card held at arm's length. */
const FALLBACK_WIDTH = 800;

interface Detector {
  detect(source: CanvasImageSource): Promise<{ rawValue: string }[]>;
}
interface DetectorClass {
  new (opts: { formats: string[] }): Detector;
  getSupportedFormats(): Promise<string[]>;
}

async function nativeDetector(): Promise<Detector | null> {
  const D = (globalThis as { BarcodeDetector?: DetectorClass }).BarcodeDetector;
  if (!D) return null;
  try {
    return (await D.getSupportedFormats()).includes('qr_code') ? new D({ formats: ['qr_code'] }) : null;
  } catch {
    return null;
  }
}

/** Starts the camera in `video` and calls onText for every QR code read; rejects when no camera can be used. */
export async function startScanner(video: HTMLVideoElement, onText: (text: string) => void): Promise<Scanner> {
  const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
  video.srcObject = stream;
  video.muted = true;
  video.playsInline = true;
  await video.play().catch(() => undefined);
  const detector = await nativeDetector();
  let jsQR: typeof jsQRType | null = null;
  if (!detector) jsQR = (await import('jsqr')).default;
  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const readFrame = async (): Promise<string | null> => {
    if (video.readyState < 2 || video.videoWidth === 0) return null;
    if (detector) return (await detector.detect(video))[0]?.rawValue ?? null;
    if (!ctx || !jsQR) return null;
    const scale = Math.min(1, FALLBACK_WIDTH / video.videoWidth);
    canvas.width = Math.round(video.videoWidth * scale);
    canvas.height = Math.round(video.videoHeight * scale);
    ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
    const image = ctx.getImageData(0, 0, canvas.width, canvas.height);
    return jsQR(image.data, image.width, image.height, { inversionAttempts: 'dontInvert' })?.data ?? null;
  };
  const tick = async () => {
    if (stopped) return;
    try {
      const text = await readFrame();
      if (text && !stopped) onText(text);
    } catch {
      // a frame that could not be read: the next one
    }
    if (!stopped) timer = setTimeout(() => void tick(), SCAN_INTERVAL_MS);
  };
  void tick();
  return {
    engine: detector ? 'native' : 'fallback',
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      for (const t of stream.getTracks()) t.stop();
      video.srcObject = null;
    },
  };
}
