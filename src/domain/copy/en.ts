import type { TicketKind } from '../ticket.js';
import type { CopyReview, CopyTranslation } from './translation.js';

/**
 * English copy for the fixed texts: the menu and its buttons, help, greeting, apologies and errors, the
 * request dialog and the ticket confirmation, and the language notice. Everything else (procedure
 * answers, whose facts are Vietnamese catalog data; the widget; the staff console) is the Vietnamese
 * copy, merged under this by `copyFor('en')`.
 *
 * Machine-drafted: no native speaker has reviewed these texts yet (see `review`).
 */
export const review: CopyReview = { status: 'machine-drafted', reviewer: null, note: 'awaiting review by a native speaker' };

const noun = (kind: TicketKind | undefined): string => (kind === 'feedback' ? 'report' : 'question');
const Noun = (kind: TicketKind | undefined): string => (kind === 'feedback' ? 'Report' : 'Question');

export const en: CopyTranslation = {
  locale: 'en',
  bot: {
    greeting:
      'Hello! I am the 1022 Assistant, the automated assistant of the provincial public service portal. I explain administrative procedures: documents, fees, processing times and where to apply. The procedure details are in Vietnamese. What would you like to ask?',
    menuButtons: { ask: 'Ask about procedures', help: 'Help', agency: 'Ask an agency', operator: 'Talk to a person' },
    askPrompt:
      'Please type the name of the procedure or describe what you need to do, in Vietnamese if you can. For example: "đăng ký khai sinh" (birth registration).',
    help:
      'I answer questions about the administrative procedures in the official catalog of the province. The procedure details are in Vietnamese. After an answer, you can ask about the documents, fees, processing time, where to apply, applying online, forms, the legal basis or whom to contact. If I cannot answer, you can send your question or report to the competent agency, or talk to a person.',
    followUpButtons: {
      documents: 'Documents',
      fee: 'Fees',
      time: 'Processing time',
      place: 'Where to apply',
      online: 'Apply online',
      legal: 'Legal basis',
      forms: 'Forms',
      contact: 'Contact',
    },
    anotherQuestion: 'Anything else about this procedure, or another procedure?',
    fallbackOffer:
      'Sorry, I could not find a procedure that matches your question. Would you like to send it to the competent agency, talk to a person, or ask again in other words?',
    fallbackButtons: { agency: 'Send to an agency', operator: 'Talk to a person', rephrase: 'Ask again' },
    rephrase: 'Please describe what you need to do as precisely as you can (for example: a first application, a renewal, a replacement for a lost document).',
    emergency:
      'If anyone is in danger, call now: 113 (Police), 114 (Fire and rescue), 115 (Ambulance). These numbers are free and open 24/7. The automatic assistant cannot send rescue services.',
    handoff: {
      queued: ({ position, waitMinutes }) =>
        `I have passed the conversation to a 1022 hotline operator. You are number ${position} in the queue; the expected wait is about ${waitMinutes} minutes. ` +
        'Keep writing what you need: the operator reads everything when they take over. While you wait, the automatic assistant will not answer.',
      stillQueued: ({ position, waitMinutes }) => `Your message is kept for the operator. You are number ${position} in the queue, about ${waitMinutes} minutes to wait.`,
      leaveButton: 'Never mind, ask the assistant',
      longWait: 'The wait is long: you can also send your question to the responsible agency (with a tracking code), or leave a phone number to be called back.',
      left: 'You left the queue. I am the 1022 Assistant (automatic); what procedure can I help with?',
      assigned: (operatorName) => `Operator ${operatorName} has taken over and will answer you here.`,
      outOfHours: ({ hours, opensAt }) =>
        `The 1022 operators are outside working hours (${hours})${opensAt ? `; they are back at ${opensAt}` : ''}. ` +
        'You can send your question to the responsible agency (with a tracking code), or leave a phone number to be called back during working hours.',
      nobodyOnline: 'No operator is online right now. You can send your question to the responsible agency (with a tracking code), or leave a phone number to be called back.',
      unclaimed: (minutes) =>
        `Sorry, no operator could take your conversation within ${minutes} minutes. You can send your question to the responsible agency (with a tracking code), or leave a phone number to be called back. The automatic assistant is with you again.`,
      offerButtons: { agency: 'Ask an agency', callback: 'Call me back' },
      backToAssistant: 'The operator has ended the conversation. From here the 1022 Assistant (automatic) answers you.',
      csatPrompt: 'How was your conversation with the operator? (1 = very unsatisfied, 5 = very satisfied)',
      csatThanks: 'Thank you for your rating. It helps the 1022 hotline serve you better.',
    },
    news: {
      unavailable: 'News from the provincial portal is not available on this channel yet. You can read the latest news on the provincial portal.',
      menu: (subscribed) =>
        subscribed.length > 0
          ? `You receive news about: ${subscribed.join(', ')}. Choose another topic below if you like. Type STOP to stop receiving news.`
          : 'Which topic would you like news about? Choose one below. When the provincial portal publishes news on that topic, the 1022 Assistant will send it to you on this channel (news items are in Vietnamese). You can stop at any time by typing STOP.',
      menuAll: (subscribed) => `You receive news about every topic: ${subscribed.join(', ')}. Type "latest news" to see recent items. Type STOP to stop receiving news.`,
      subscribed: ({ topic, topics, already }) =>
        (already ? `You were already subscribed to news about "${topic}". ` : `You are now subscribed to news about "${topic}". `) +
        (topics.length > 1 ? `You receive news about: ${topics.join(', ')}. ` : '') +
        'New items will be sent to you on this channel; items that cannot be sent (for example when you have not written for a while) are kept: type "latest news" to see them. ' +
        'Type STOP to stop receiving news.',
      unsubscribedTopic: ({ topic, remaining }) =>
        `You will no longer receive news about "${topic}". ` +
        (remaining.length > 0 ? `You still receive news about: ${remaining.join(', ')}. Type STOP to stop all news.` : 'The 1022 Assistant will not send you news any more. Type "subscribe" to receive news again.'),
      unsubscribedAll: 'You have unsubscribed from all news. The 1022 Assistant will not send you news any more. Type "subscribe" to receive news again.',
      notSubscribed: 'You are not subscribed to any news, so the 1022 Assistant does not send you news. Type "subscribe" to receive news from the province.',
      notSubscribedTopic: ({ topic, subscribed }) =>
        `You are not subscribed to news about "${topic}". ` +
        (subscribed.length > 0 ? `You receive news about: ${subscribed.join(', ')}. Type STOP to stop all news.` : 'You do not receive any news at the moment.'),
      latest: ({ scope, topic, items }) => {
        const heading = scope === 'topic' ? `Latest news about "${topic}":` : scope === 'subscribed' ? 'Latest news on your topics:' : 'Latest news from the provincial portal:';
        const lines = items.map((i) => `• ${i.title} (${i.date})${i.link ? `\n${i.link}` : ''}`);
        const offer = scope === 'all' ? ['Type "subscribe" to receive news on the topics you choose.'] : [];
        return [heading, ...lines, ...offer].join('\n');
      },
      noLatest: ({ scope, topic }) =>
        scope === 'topic'
          ? `No news about "${topic}" yet.`
          : scope === 'subscribed'
            ? 'No news on your topics yet. When there is, the 1022 Assistant will send it to you.'
            : 'No news yet. Type "subscribe" to receive news when there is some.',
      pushFooter: 'You receive this because you subscribed to news. Type STOP to stop.',
      digest: ({ count, items }) =>
        [
          `News digest: ${count} ${count === 1 ? 'item' : 'items'} on your topics that were not sent to you separately:`,
          ...items.map((i) => `• ${i.title}${i.link ? `\n${i.link}` : ''}`),
          ...(count > items.length ? [`and ${count - items.length} more. Type "latest news" to see them.`] : []),
        ].join('\n'),
      buttons: { unsubscribeAll: 'Unsubscribe', unsubscribeTopic: (topic) => `Stop: ${topic}`, latest: 'Latest news', topics: 'Choose topics' },
    },
    feedbackOffer: 'Thank you for your report. Would you like me to record it and forward it to the responsible agency?',
    complaintOffer: (procedureName) =>
      `You are reporting how the procedure "${procedureName}" was handled. ` +
      'The 1022 Assistant does not settle complaints itself, but it can record exactly what you wrote and forward it to the responsible agency for review and an answer. Would you like to send it?',
    outOfScope:
      'Sorry, this question is outside what the 1022 Assistant covers. I explain administrative procedures and forward questions and reports to the agencies of the province.',
    apology: 'Sorry, something went wrong while handling your message. It has been saved. Please send it again in a few minutes, or call the 1022 hotline.',
    chooseByNumber: 'Please reply with the number of your choice (for example: 1) or type it.',
    languageNotice:
      'Hello! I am the 1022 Assistant of the provincial public service portal. I explain administrative procedures (documents, fees, processing times, where to apply) and forward questions and reports to the competent agency. For now I answer fully only in Vietnamese. Would you like to continue in Vietnamese, or talk to a person?',
    languageButtons: { vietnamese: 'Tiếng Việt', operator: 'Talk to a person' },
    talk: {
      thanks: 'You are welcome. If you have another question about a procedure, just send me a message.',
      ok: 'All right. If you need anything else, just send me a message.',
      goodbye: 'Goodbye. When you need help with an administrative procedure, just send me a message.',
      confirmButtons: { yes: 'Yes', no: 'No' },
      noneButton: 'None of these',
      concern: ({ kind, procedure }) =>
        ({
          dispute:
            'This is a dispute between the parties, so the 1022 Assistant cannot say who is right. Usually the parties first try to reach an agreement; if that fails, they can ask for mediation in their hamlet or residential group or at the commune People’s Committee, and a dispute that cannot be settled there may go to court. The exact steps depend on the kind of dispute (land, inheritance, shared property…), so please ask the competent agency, a lawyer or legal aid.',
          entitlement:
            'The benefit or amount in each case is calculated by the agency in charge from the actual application file and the rules in force, so the 1022 Assistant cannot calculate or promise it on the agency’s behalf.',
          legal:
            'Whether something is a violation, whether it is compulsory, or what fine applies in a particular case is for the competent agency to decide, so the 1022 Assistant cannot decide it. You can ask the competent agency, a lawyer, or the provincial State Legal Aid Centre (free of charge for people eligible for legal aid).',
        }[kind] +
        (procedure ? `\nRelated procedure: "${procedure}".` : '') +
        '\nIf you wish, I can send your question to the agency in charge for an answer about your particular case.'),
      concernButtons: { agency: 'Ask an agency', procedure: 'Related procedure' },
    },
    tickets: {
      questionPrompt:
        'Please type the question you want to send to the competent agency, as precisely as you can: what it is about, where, and what you have done so far.',
      questionPromptAbout: (procedureName) =>
        `Please type your question about the procedure "${procedureName}" for the agency in charge of it, as precisely as you can: your situation and what you have done so far.`,
      consentPrompt: (question, kind) =>
        `I will send the following ${noun(kind)} to the competent agency:\n"${question}"\n` +
        'Do you agree to forward it (with your name and phone number, if you give them) to the agency in charge?',
      consentButtons: { yes: 'Yes, send it', no: 'Do not send' },
      consentDeclined: 'All right, I will not send it. You can ask about another procedure, or call the 1022 hotline during office hours.',
      placePrompt:
        'Please tell me where the problem is, so the agency can check it: the street, hamlet or residential group, commune or ward, or a well-known place nearby.',
      placeInvalid: 'Please describe the place in words, for example: "hamlet 3, Hòa Bình commune, near the primary school".',
      publishPrompt:
        'What you send and the agency’s answer may be published on the provincial portal to help others with the same question, without your name, phone number or other personal data. Do you agree?',
      publishButtons: { yes: 'Yes, publish', no: 'Do not publish' },
      namePrompt: 'What is your name, so the agency can address you? This is optional: if you prefer not to say, choose "Skip".',
      nameInvalid: 'A name has letters only, for example: Nguyễn Văn An. Please type it again or choose "Skip". Your phone number (if you want a call back) comes in the next step.',
      phonePrompt:
        'If you want an official to call you back, please type your phone number. It is used only to contact you about what you sent. Otherwise, choose "Skip".',
      skipButton: 'Skip',
      phoneInvalid: 'That phone number does not look right. Please type it again (for example: 0912 345 678) or choose "Skip".',
      opened: ({ code, agencyName, dueDate, callback, place, kind }) => {
        const k = kind ?? (place !== undefined ? 'feedback' : 'question');
        return (
          `Your ${noun(k)}${place !== undefined ? ` about "${place}"` : ''} has been recorded with the tracking code ${code}. ` +
          `Agency in charge: ${agencyName}. Legal deadline for the answer: ${dueDate}. ` +
          (callback ? 'An official may call you back on the number you gave. ' : '') +
          'The answer will be sent to you here. You can also type the tracking code to see its status. ' +
          'If it is urgent, please call the 1022 hotline and quote the tracking code.'
        );
      },
      statuses: {
        received: 'Received',
        assigned: 'With the agency in charge, awaiting an answer',
        returned: 'Being forwarded to the right agency',
        answered: 'Answered',
        delivered: 'Answered',
        closed: 'Closed',
        overdue: 'Overdue; the agency has been reminded',
        reopened: 'Being reviewed again',
      },
      list: (tickets) =>
        ['Questions and reports you have sent to agencies:', ...tickets.map((t, i) => `${i + 1}. ${Noun(t.kind)} ${t.code}: ${t.status}; answer due ${t.dueDate}.`)].join('\n'),
      none:
        'You have not sent any question or report to an agency from this channel. To track an application for an administrative procedure, use its file number on the National Public Service Portal (dichvucong.gov.vn), or call the 1022 hotline.',
      detail: ({ code, status, agencyName, dueDate, answer, kind }) =>
        [
          `${Noun(kind)} with tracking code ${code}:`,
          `- Status: ${status}`,
          `- Agency in charge: ${agencyName}`,
          `- Legal deadline for the answer: ${dueDate}`,
          ...(answer !== undefined ? [`Answer from ${agencyName}:`, answer] : []),
        ].join('\n'),
      notFound: (code) =>
        `No question or report with the tracking code ${code} was found for this account. ` +
        'Please check the code, or call the 1022 hotline and quote it.',
      phoneProofOffer:
        'If this was sent from another channel and you left a phone number, please type the last 4 digits of that number to look it up. Otherwise, choose "Skip".',
      phoneNotFound: (code) =>
        `No question or report was found with the tracking code ${code} and the last 4 digits you typed. ` +
        'Please check both and type the code again, or call the 1022 hotline and quote the code.',
      phoneLookupLimited:
        'There have been too many unsuccessful lookups. To protect the sender’s information, please try again in a few minutes, or call the 1022 hotline and quote the tracking code.',
      phoneProofSkipped: 'All right. If you need more help, please call the 1022 hotline during office hours and quote the tracking code.',
      codeInvalid: (code) =>
        `The tracking code ${code} seems to have a typing mistake. Please check it in the confirmation message (it looks like K7QX-3M2PC).`,
      answerNotice: ({ code, agencyName, answer, reopenWindowDays, kind }) =>
        `${agencyName} has answered your ${noun(kind)} (tracking code ${code}):\n${answer}\n\n` +
        `If the answer is clear, choose "Clear, thank you". If something is still unclear, choose "Still unclear" within ${reopenWindowDays} days and the agency will look at it again.`,
      answerButtons: { close: 'Clear, thank you', reopen: 'Still unclear' },
      closed: (code) => `Thank you for your reply. The tracking code ${code} is now closed. If you need anything else, just send me a message.`,
      reopenPrompt: (code) =>
        `What is still unclear in the answer (tracking code ${code})? Please be as precise as you can; I will send it back to the agency that answered.`,
      reopened: ({ code, agencyName, dueDate }) =>
        `I have sent your further question (tracking code ${code}) back to ${agencyName}. New legal deadline for the answer: ${dueDate}. ` +
        'The answer will be sent to you here.',
      reopenWindowPassed: ({ code, windowDays }) =>
        `Sorry, the answer for the tracking code ${code} is more than ${windowDays} days old, so it can no longer be reopened. ` +
        `You can send a new question (mention the code ${code} so the agency can find it), or call the 1022 hotline during office hours.`,
      newQuestionButton: 'Send a new question',
      changeUnavailable: ({ code, status }) =>
        `The tracking code ${code} now has the status "${status}", so this choice no longer applies. You can type the tracking code to see the details.`,
    },
  },
};
