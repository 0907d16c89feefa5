export default async function globalTeardown() {
  await globalThis.__CHROMA__?.stop();
}
