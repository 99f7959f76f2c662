/**
 * The shared conformance world (../shared/conformance/planted.mjs), typed for the tests that use it:
 * carrier Heron is flagged in its weeks before the corrective action, SKU GLOW-1 is a flagged listing.
 */
export interface PlantedWorld {
  meta: { asOf: string; flaggedSku: string; reportWeek: string; weeks: string[] };
}

export async function generateConformanceWorld(inboxDir: string): Promise<PlantedWorld> {
  const planted = (await import(new URL('../../../shared/conformance/planted.mjs', import.meta.url).href)) as { generate(inbox: string): PlantedWorld };
  return planted.generate(inboxDir);
}
