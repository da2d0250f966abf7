import { describe, expect, it } from 'vitest';
import { feedItemId, feedItemUrgency, isCriticalTitle } from '../../src/core/news-ingest.js';
import { createHttpFeedSource } from '../../src/feeds/http-feed.js';
import { decodeEntities, htmlToText, parseFeed, parseFeedDate, SUMMARY_MAX } from '../../src/feeds/parse-feed.js';
import { FeedError } from '../../src/ports/news-source.js';

const FEED_URL = 'https://travinh.example.gov.vn/rss/tin-tuc.rss';

/** An RSS 2.0 feed as a provincial portal CMS writes it: CDATA HTML, named entities, a guid-less item, odd dates. */
const RSS = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel>
    <title>Cổng Thông tin điện tử tỉnh Trà Vinh - Tin tức sự kiện</title>
    <link>https://travinh.example.gov.vn/</link>
    <atom:link href="https://travinh.example.gov.vn/rss/tin-tuc.rss" rel="self" type="application/rss+xml"/>
    <description>Tin tức</description>
    <item>
      <title>Thông báo tuyển dụng viên chức Sở Y tế năm 2026</title>
      <link>https://travinh.example.gov.vn/tin-tuc/thong-bao-tuyen-dung-vien-chuc-so-y-te-nam-2026-41234.html</link>
      <guid isPermaLink="false">41234</guid>
      <description><![CDATA[<p><img src="/upload/2026/12/tuyen-dung.jpg" alt="" /></p><p>S&#7903; Y t&#7871; t&#7881;nh Tr&agrave; Vinh th&ocirc;ng b&aacute;o tuy&#7875;n d&#7909;ng <strong>45 ch&#7881; ti&ecirc;u</strong> vi&ecirc;n ch&#7913;c&nbsp;n&#259;m 2026.</p><script>track()</script>]]></description>
      <pubDate>Mon, 07 Dec 2026 08:15:00 +0700</pubDate>
    </item>
    <item>
      <title>Hướng dẫn thủ tục cấp đổi giấy phép lái xe trên Cổng dịch vụ công</title>
      <link>/tin-tuc/huong-dan-cap-doi-gplx-41230.html</link>
      <description>&lt;p&gt;Từ ngày 01/01/2027, người dân có thể nộp hồ sơ &lt;em&gt;trực tuyến toàn trình&lt;/em&gt; &amp;amp; nhận kết quả tại nhà.&lt;/p&gt;</description>
      <pubDate>06/12/2026 16:30</pubDate>
    </item>
    <item>
      <guid>https://travinh.example.gov.vn/tin-tuc/41200.html</guid>
      <title>Khai mạc Lễ hội Ok Om Bok năm 2026</title>
      <content:encoded><![CDATA[<div>Lễ hội truyền thống của đồng bào Khmer.</div>]]></content:encoded>
      <dc:date>2026-11-04T19:00:00+07:00</dc:date>
    </item>
    <item>
      <description>Một mục không có guid, không có link: bị bỏ qua.</description>
    </item>
  </channel>
</rss>`;

/** Atom as a SharePoint/Liferay-style portal writes it: html summaries, several links, updated only. */
const ATOM = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="vi">
  <title>Trung tâm Dự báo KTTV tỉnh - Cảnh báo thiên tai</title>
  <id>tag:kttv.example.gov.vn,2026:canh-bao</id>
  <link rel="self" href="https://kttv.example.gov.vn/atom/canh-bao.xml"/>
  <updated>2026-12-07T02:00:00Z</updated>
  <entry>
    <id>tag:kttv.example.gov.vn,2026:bt-1207-01</id>
    <title type="html">C&amp;#7843;nh b&amp;aacute;o l&amp;#361; qu&amp;eacute;t, s&amp;#7841;t l&amp;#7903; &amp;#273;&amp;#7845;t</title>
    <link rel="self" href="https://kttv.example.gov.vn/api/bt-1207-01"/>
    <link rel="alternate" type="text/html" href="https://kttv.example.gov.vn/canh-bao/bt-1207-01"/>
    <summary type="html">&lt;p&gt;Mưa lớn kéo dài có khả năng gây &lt;b&gt;lũ quét&lt;/b&gt; tại các xã ven sông Cổ Chiên.&lt;/p&gt;</summary>
    <published>2026-12-07T08:45:00+07:00</published>
    <updated>2026-12-07T09:00:00+07:00</updated>
  </entry>
  <entry>
    <title>Bản tin dự báo thời tiết ngày 08/12/2026</title>
    <link href="bao-cao/du-bao-0812"/>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Trời nhiều mây, <b>không mưa</b>.</p></div></content>
    <updated>2026-12-07T17:00:00</updated>
  </entry>
</feed>`;

describe('parseFeed: RSS 2.0', () => {
  const entries = parseFeed(RSS, FEED_URL);

  it('When a portal RSS feed is read, then each item with an id becomes an entry in document order', () => {
    expect(entries.map((e) => e.guid)).toEqual(['41234', 'https://travinh.example.gov.vn/tin-tuc/huong-dan-cap-doi-gplx-41230.html', 'https://travinh.example.gov.vn/tin-tuc/41200.html']);
  });

  it('When a description holds HTML with entities and a script, then the summary is plain decoded Vietnamese text', () => {
    expect(entries[0]).toEqual({
      guid: '41234',
      title: 'Thông báo tuyển dụng viên chức Sở Y tế năm 2026',
      link: 'https://travinh.example.gov.vn/tin-tuc/thong-bao-tuyen-dung-vien-chuc-so-y-te-nam-2026-41234.html',
      summary: 'Sở Y tế tỉnh Trà Vinh thông báo tuyển dụng 45 chỉ tiêu viên chức năm 2026.',
      publishedAt: new Date('2026-12-07T01:15:00Z'),
    });
  });

  it('When an item has no guid, then its link (resolved against the feed URL) is its id; escaped HTML is stripped too', () => {
    expect(entries[1]).toMatchObject({
      link: 'https://travinh.example.gov.vn/tin-tuc/huong-dan-cap-doi-gplx-41230.html',
      summary: 'Từ ngày 01/01/2027, người dân có thể nộp hồ sơ trực tuyến toàn trình & nhận kết quả tại nhà.',
    });
  });

  it('When the date is dd/mm/yyyy HH:MM, then it is read as Vietnam time, not as a US date or the server zone', () => {
    expect(entries[1]!.publishedAt).toEqual(new Date('2026-12-06T09:30:00Z'));
  });

  it('When only content:encoded and dc:date are given, then they serve as summary and date', () => {
    expect(entries[2]).toEqual({
      guid: 'https://travinh.example.gov.vn/tin-tuc/41200.html',
      title: 'Khai mạc Lễ hội Ok Om Bok năm 2026',
      summary: 'Lễ hội truyền thống của đồng bào Khmer.',
      publishedAt: new Date('2026-11-04T12:00:00Z'),
    });
  });

  it('When a channel has no items, then there are no entries (not an error)', () => {
    expect(parseFeed('<rss version="2.0"><channel></channel></rss>', FEED_URL)).toEqual([]);
    expect(parseFeed('<rss version="2.0"><channel><title>x</title></channel></rss>', FEED_URL)).toEqual([]);
  });
});

describe('parseFeed: Atom', () => {
  const entries = parseFeed(ATOM, 'https://kttv.example.gov.vn/atom/canh-bao.xml');

  it('When an Atom entry has several links, then the alternate html one is its link; the html title is decoded', () => {
    expect(entries[0]).toEqual({
      guid: 'tag:kttv.example.gov.vn,2026:bt-1207-01',
      title: 'Cảnh báo lũ quét, sạt lở đất',
      link: 'https://kttv.example.gov.vn/canh-bao/bt-1207-01',
      summary: 'Mưa lớn kéo dài có khả năng gây lũ quét tại các xã ven sông Cổ Chiên.',
      publishedAt: new Date('2026-12-07T01:45:00Z'),
    });
  });

  it('When an entry has no id, a relative rel-less link, xhtml content and only updated, then those are used', () => {
    expect(entries[1]).toEqual({
      guid: 'https://kttv.example.gov.vn/atom/bao-cao/du-bao-0812',
      title: 'Bản tin dự báo thời tiết ngày 08/12/2026',
      link: 'https://kttv.example.gov.vn/atom/bao-cao/du-bao-0812',
      summary: 'Trời nhiều mây, không mưa.',
      publishedAt: new Date('2026-12-07T10:00:00Z'),
    });
  });

  it('When the feed has no entries, then there are none', () => {
    expect(parseFeed('<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title></feed>', FEED_URL)).toEqual([]);
  });
});

describe('parseFeed: not a feed', () => {
  it('When the document is an HTML page, JSON or empty, then FeedError not-a-feed is thrown', () => {
    for (const body of ['<!DOCTYPE html><html><body><h1>Lỗi 500</h1></body></html>', '{"items":[]}', '', '<channel><item/></channel>']) {
      try {
        parseFeed(body, FEED_URL);
        expect.unreachable(body);
      } catch (error) {
        expect(error).toBeInstanceOf(FeedError);
        expect((error as FeedError).code).toBe('not-a-feed');
      }
    }
  });

  it('When an entry carries javascript: or mailto: links, then they are dropped', () => {
    const [entry] = parseFeed('<rss><channel><item><guid>a</guid><title>T</title><link>javascript:alert(1)</link></item></channel></rss>', FEED_URL);
    expect(entry).toEqual({ guid: 'a', title: 'T' });
  });
});

describe('text and dates', () => {
  it('When a long summary is cut, then it ends on a word boundary with an ellipsis within the limit', () => {
    const text = htmlToText(`<p>${'Ủy ban nhân dân tỉnh triển khai chuyển đổi số. '.repeat(40)}</p>`);
    expect(text.length).toBeLessThanOrEqual(SUMMARY_MAX);
    expect(text.endsWith('…')).toBe(true);
    expect(text).not.toMatch(/\s…$/);
  });

  it('When entities are named, numeric or unknown, then known ones are decoded and unknown ones kept', () => {
    expect(decodeEntities('Tr&agrave; Vinh &#8211; S&oacute;c Tr&#x103;ng &Ocirc; &bogus; &#0;')).toBe('Trà Vinh – Sóc Trăng Ô &bogus; &#0;');
  });

  it('When dates come in the formats portals use, then each is read (zone-less ones as Vietnam time)', () => {
    expect(parseFeedDate('Mon, 07 Dec 2026 01:15:00 GMT')).toEqual(new Date('2026-12-07T01:15:00Z'));
    expect(parseFeedDate('Mon, 07 Dec 2026 08:15:00')).toEqual(new Date('2026-12-07T01:15:00Z'));
    expect(parseFeedDate('2026-12-07 08:15:00')).toEqual(new Date('2026-12-07T01:15:00Z'));
    expect(parseFeedDate('2026-12-07T08:15:00Z')).toEqual(new Date('2026-12-07T08:15:00Z'));
    expect(parseFeedDate('7/12/2026')).toEqual(new Date('2026-12-06T17:00:00Z'));
    expect(parseFeedDate('hôm qua')).toBeUndefined();
    expect(parseFeedDate('31/13/2026')).toBeUndefined();
    expect(parseFeedDate('')).toBeUndefined();
  });
});

describe('news item identity and urgency', () => {
  it('When an id is made, then it is the first 24 hex digits of sha256(url + newline + guid), stable', () => {
    expect(feedItemId(FEED_URL, '41234')).toMatch(/^[0-9a-f]{24}$/);
    expect(feedItemId(FEED_URL, '41234')).toBe(feedItemId(FEED_URL, '41234'));
    expect(feedItemId(FEED_URL, '41234')).not.toBe(feedItemId(`${FEED_URL}?x`, '41234'));
  });

  it('When a disaster-topic title announces a warning, then the item is critical; other topics never are', () => {
    for (const title of ['Cảnh báo lũ quét, sạt lở đất', 'CANH BAO mua lon', 'Công điện khẩn cấp ứng phó triều cường', 'BÃO SỐ 3 đổ bộ', 'Lũ trên sông Cổ Chiên lên nhanh', 'Sat lo dat tai xa Long Hoa', 'Tin bao so 9 (accent-free)']) {
      expect(isCriticalTitle(title), title).toBe(true);
      expect(feedItemUrgency(['thien-tai-thoi-tiet'], title), title).toBe('critical');
      expect(feedItemUrgency(['tuyen-dung'], title), title).toBe('normal');
    }
  });

  it('When an accented title only has words that fold to "bao"/"lu" (dự báo, thông báo, lưu), then it stays normal', () => {
    for (const title of ['Bản tin dự báo thời tiết ngày 08/12/2026', 'Thông báo lịch tiếp công dân', 'Lưu ý khi đi đường ngày mưa']) {
      expect(isCriticalTitle(title), title).toBe(false);
      expect(feedItemUrgency(['thien-tai-thoi-tiet'], title), title).toBe('normal');
    }
  });
});

describe('createHttpFeedSource with an injected fetch', () => {
  it('When the feed never answers, then FeedError timeout is thrown after the timeout', async () => {
    const hanging: typeof fetch = (_url, init) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason)));
    const source = createHttpFeedSource({ fetch: hanging, timeoutMs: 50 });
    await expect(source.fetchFeed(FEED_URL, {})).rejects.toMatchObject({ name: 'FeedError', code: 'timeout' });
  });

  it('When validators are known, then they are sent as If-None-Match and If-Modified-Since', async () => {
    let seen: Headers | undefined;
    const recording: typeof fetch = async (_url, init) => {
      seen = new Headers(init?.headers);
      return new Response(null, { status: 304 });
    };
    const answer = await createHttpFeedSource({ fetch: recording }).fetchFeed(FEED_URL, { etag: '"abc"', lastModified: 'Mon, 07 Dec 2026 01:00:00 GMT' });
    expect(answer).toEqual({ status: 'not-modified' });
    expect(seen?.get('if-none-match')).toBe('"abc"');
    expect(seen?.get('if-modified-since')).toBe('Mon, 07 Dec 2026 01:00:00 GMT');
  });

  it('When the transport fails, then FeedError network is thrown', async () => {
    const failing: typeof fetch = async () => {
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    };
    await expect(createHttpFeedSource({ fetch: failing }).fetchFeed(FEED_URL, {})).rejects.toMatchObject({ code: 'network', message: expect.stringContaining('ECONNREFUSED') });
  });
});
