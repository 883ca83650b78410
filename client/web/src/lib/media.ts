/**
 * A listing's media: screenshots from its `image` tags, and a trailer from its `video` tags, else an
 * image entry or a description link that is a video (YouTube, PeerTube, or a .mp4/.webm/.ogv file). Nothing here
 * touches the network: the trailer's player is only created when the visitor clicks it.
 */

export type Trailer =
  | { kind: 'embed'; src: string; site: string; page: string }
  | { kind: 'file'; src: string }

const YT_ID = /^[A-Za-z0-9_-]{6,20}$/

/** A YouTube or PeerTube page/embed URL as an embed (autoplay after the click), or a video file. */
export function trailerOf(raw: string): Trailer | undefined {
  let u: URL
  try {
    u = new URL(raw)
  } catch {
    return undefined
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return undefined
  const host = u.hostname.replace(/^www\.|^m\./, '')
  let yt: string | null | undefined
  if (host === 'youtu.be') yt = u.pathname.slice(1)
  else if (host === 'youtube.com' || host === 'youtube-nocookie.com') {
    yt =
      u.pathname === '/watch'
        ? u.searchParams.get('v')
        : /^\/(embed|shorts|live)\/([^/]+)/.exec(u.pathname)?.[2]
  }
  if (yt !== undefined) {
    if (!yt || !YT_ID.test(yt)) return undefined
    // The no-cookie host: nothing is stored until the viewer presses play on YouTube's own player.
    return {
      kind: 'embed',
      site: 'YouTube',
      src: `https://www.youtube-nocookie.com/embed/${yt}?autoplay=1`,
      page: `https://www.youtube.com/watch?v=${yt}`,
    }
  }
  // PeerTube: /w/<short id> or /videos/watch/<uuid> (or already /videos/embed/<id>) on any instance, https only.
  const pt = /^\/(?:w|videos\/watch|videos\/embed)\/([A-Za-z0-9-]{8,40})\/?$/.exec(u.pathname)
  if (pt && u.protocol === 'https:') {
    return {
      kind: 'embed',
      site: u.hostname,
      src: `https://${u.host}/videos/embed/${pt[1]}?autoplay=1`,
      page: `https://${u.host}/w/${pt[1]}`,
    }
  }
  if (/\.(mp4|webm|ogv)$/i.test(u.pathname)) return { kind: 'file', src: u.href }
  return undefined
}

/**
 * Screenshots (every image that is not a video) and the first trailer found in the `video` tags, then
 * the images, then the description.
 */
export function mediaOf(
  images: readonly string[],
  description: string,
  videos: readonly string[] = [],
): { screenshots: string[]; trailer?: Trailer } {
  const screenshots: string[] = []
  let trailer: Trailer | undefined
  for (const v of videos) {
    trailer = trailerOf(v)
    if (trailer) break
  }
  for (const src of images) {
    const t = trailerOf(src)
    if (t) trailer ??= t
    else screenshots.push(src)
  }
  if (!trailer) {
    for (const m of description.matchAll(/https?:\/\/[^\s)<>"\]]+/g)) {
      trailer = trailerOf(m[0])
      if (trailer) break
    }
  }
  return trailer ? { screenshots, trailer } : { screenshots }
}
