import type { Copy } from '../src/domain/copy/types.js';
import type { NewsTopic } from '../src/domain/news.js';
import { NEWS_LATEST, NEWS_MENU, newsSubscribePayload, newsUnsubscribePayload, type NewsPayloadAction } from '../src/domain/payloads.js';
import type { FlowServices, NewsCommand } from '../src/ports/flow-services.js';
import { menuButtons, type QuickReply } from './buttons.js';
import type { Shown } from './replies.js';

/**
 * Portal news in the chat (issue 12, item 2): the topic menu, subscribing (the citizen's explicit wish
 * on this channel, confirmed with the topic named and how to leave), leaving one topic or all of them at
 * once, and "tin mới". No dialog: every step is one reply whose buttons carry what comes next
 * (`news:sub:<topic>`, `news:unsub[:<topic>]`, `news:latest`, `news:menu`), so a typed command and a
 * tapped button land in the same place, from any state. Every reply is tagged `news`, in the language of
 * the conversation (`copy`, the router's `fixed`); topic names and items stay as the province writes them.
 */

/** What the citizen asked of news, typed (`FlowServices.news.read`) or tapped. */
export interface NewsRequest {
  action: NewsPayloadAction;
  topicId?: string;
}

export const newsRequestOf = (command: NewsCommand): NewsRequest => ({
  action: command.action,
  ...('topic' in command && command.topic ? { topicId: command.topic.id } : {}),
});

const names = (topics: readonly NewsTopic[]): string[] => topics.map((t) => t.name);

/** The reply to a news request, for this conversation. */
export async function newsShown(services: FlowServices, copy: Copy, conversationId: string, request: NewsRequest): Promise<Shown> {
  const c = copy.bot.news;
  const meta = { tag: 'news', locale: copy.locale } as const;
  const news = services.news;
  if (!news?.available) return { text: c.unavailable, buttons: menuButtons(copy), meta };

  const b = c.buttons;
  const latestButton: QuickReply = { title: b.latest, payload: NEWS_LATEST };
  const topicsButton: QuickReply = { title: b.topics, payload: NEWS_MENU };
  const leaveButton: QuickReply = { title: b.unsubscribeAll, payload: newsUnsubscribePayload() };

  async function menu(): Promise<Shown> {
    const subscribed = await news!.subscribed(conversationId);
    const offered = news!.topics().filter((t) => !subscribed.some((s) => s.id === t.id));
    return {
      text: offered.length > 0 ? c.menu(names(subscribed)) : c.menuAll(names(subscribed)),
      buttons: [...offered.map((t) => ({ title: t.name, payload: newsSubscribePayload(t.id) })), latestButton, ...(subscribed.length > 0 ? [leaveButton] : [])],
      meta,
    };
  }

  switch (request.action) {
    case 'menu':
      return menu();
    case 'subscribe': {
      if (request.topicId === undefined) return menu();
      const done = await news.subscribe(conversationId, request.topicId);
      // A button of a topic the province has since removed: the topics as they are now.
      if (done.outcome === 'unknown-topic') return menu();
      const more = news.topics().length > done.topics.length;
      return {
        text: c.subscribed({ topic: done.topic.name, topics: names(done.topics), already: done.outcome === 'already' }),
        buttons: [latestButton, { title: b.unsubscribeTopic(done.topic.name), payload: newsUnsubscribePayload(done.topic.id) }, ...(more ? [topicsButton] : [])],
        meta,
      };
    }
    case 'unsubscribe': {
      const done = await news.unsubscribe(conversationId, request.topicId);
      if (done.outcome === 'unknown-topic') return menu();
      const remaining = names(done.remaining);
      const stillButtons = remaining.length > 0 ? [leaveButton, topicsButton] : [topicsButton, latestButton];
      if (done.outcome === 'not-subscribed') {
        return done.topic
          ? { text: c.notSubscribedTopic({ topic: done.topic.name, subscribed: remaining }), buttons: stillButtons, meta }
          : { text: c.notSubscribed, buttons: stillButtons, meta };
      }
      if (done.topic) return { text: c.unsubscribedTopic({ topic: done.topic.name, remaining }), buttons: remaining.length > 0 ? stillButtons : menuButtons(copy), meta };
      return { text: c.unsubscribedAll, buttons: menuButtons(copy), meta };
    }
    case 'latest': {
      const [found, subscribed] = await Promise.all([news.latest(conversationId, request.topicId), news.subscribed(conversationId)]);
      const scope = { scope: found.scope, ...(found.topic ? { topic: found.topic.name } : {}) };
      return {
        text: found.items.length > 0 ? c.latest({ ...scope, items: found.items }) : c.noLatest(scope),
        buttons: subscribed.length > 0 ? [topicsButton, leaveButton] : [topicsButton],
        meta,
      };
    }
  }
}
