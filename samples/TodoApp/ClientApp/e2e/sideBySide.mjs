// Puts screenshots of two windows side by side in one PNG, with a caption over each.

/**
 * @param {import("playwright-core").BrowserContext} context  where a scratch page renders the composition
 * @param {{ caption: string, png: Buffer }[]} windows
 * @returns {Promise<Buffer>}
 */
export async function sideBySide(context, windows) {
  const page = await context.newPage();
  try {
    const figures = windows
      .map(({ caption, png }) => `<figure><figcaption>${caption}</figcaption><img src="data:image/png;base64,${png.toString("base64")}"></figure>`)
      .join("");
    await page.setContent(`<!doctype html>
      <style>
        body { margin: 0; background: #cfd4da; font: 600 15px system-ui, sans-serif; }
        main { display: inline-flex; gap: 20px; padding: 20px; }
        figure { margin: 0; }
        figcaption { margin-bottom: 8px; color: #1f2933; }
        img { display: block; border: 1px solid #9aa5b1; border-radius: 6px; box-shadow: 0 2px 8px rgb(0 0 0 / 0.15); }
      </style>
      <main>${figures}</main>`);
    // Resolves once the images are decoded, so the screenshot never shows a half-drawn one.
    await page.evaluate(() => Promise.all([...document.images].map((image) => image.decode())));
    return await page.locator("main").screenshot();
  } finally {
    await page.close();
  }
}
