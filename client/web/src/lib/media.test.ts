import { describe, expect, it } from 'vitest'
import { mediaOf, trailerOf } from './media.ts'

describe('listing media', () => {
  it('recognises YouTube, PeerTube and video files, and nothing else', () => {
    expect(trailerOf('https://www.youtube.com/watch?v=dQw4w9WgXcQ')).toMatchObject({
      kind: 'embed',
      src: 'https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1',
    })
    expect(trailerOf('https://youtu.be/dQw4w9WgXcQ')).toMatchObject({
      kind: 'embed',
      site: 'YouTube',
    })
    expect(trailerOf('https://framatube.org/w/9c9de5e8-0a1e-484a-b099-e80766180a6d')).toMatchObject(
      {
        kind: 'embed',
        src: 'https://framatube.org/videos/embed/9c9de5e8-0a1e-484a-b099-e80766180a6d?autoplay=1',
      },
    )
    expect(trailerOf('https://cdn.example/trailer.webm')).toEqual({
      kind: 'file',
      src: 'https://cdn.example/trailer.webm',
    })
    expect(trailerOf('https://www.youtube.com/watch?v=<script>')).toBeUndefined()
    expect(trailerOf('javascript:alert(1)')).toBeUndefined()
    expect(trailerOf('https://cdn.example/shot.png')).toBeUndefined()
  })

  it('splits images into screenshots and a trailer, falling back to a link in the description', () => {
    expect(mediaOf(['https://a/1.png', 'https://a/t.mp4', 'https://a/2.png'], '')).toEqual({
      screenshots: ['https://a/1.png', 'https://a/2.png'],
      trailer: { kind: 'file', src: 'https://a/t.mp4' },
    })
    expect(
      mediaOf(['https://a/1.png'], 'Watch [the trailer](https://youtu.be/abcdefghijk).').trailer,
    ).toMatchObject({ page: 'https://www.youtube.com/watch?v=abcdefghijk' })
    expect(mediaOf([], 'no video').trailer).toBeUndefined()
  })

  it("prefers the listing's video tags, skipping ones that are not a playable video", () => {
    expect(
      mediaOf(['https://a/1.png', 'https://a/t.mp4'], 'https://youtu.be/abcdefghijk', [
        'https://a/page.html',
        'https://tube.example/w/9c9de5e8x',
      ]),
    ).toEqual({
      screenshots: ['https://a/1.png'],
      trailer: {
        kind: 'embed',
        site: 'tube.example',
        src: 'https://tube.example/videos/embed/9c9de5e8x?autoplay=1',
        page: 'https://tube.example/w/9c9de5e8x',
      },
    })
  })
})
