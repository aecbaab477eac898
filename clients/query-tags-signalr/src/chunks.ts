/** `items` in consecutive slices of at most `size`, so no hub call carries more tags than the server accepts. */
export function* chunks<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let offset = 0; offset < items.length; offset += size) {
    yield items.slice(offset, offset + size);
  }
}
