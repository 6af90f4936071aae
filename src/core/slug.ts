/** A slug cut to `max` characters at a word boundary (a "-"), never mid-word: `…-how-the` rather than `…-how-the-p`. */
export function cutSlug(slug: string, max: number): string {
  if (slug.length <= max) return slug;
  const cut = slug.slice(0, max + 1);
  const boundary = cut.lastIndexOf('-');
  // One word longer than the room: cut it, there is no boundary to keep.
  return (boundary > 0 ? cut.slice(0, boundary) : slug.slice(0, max)).replace(/-+$/, '');
}
