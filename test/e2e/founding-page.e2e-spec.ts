import { randomUUID } from 'node:crypto';
import { eventually } from '@app/testing';
import { api, editorToken, tokenFor } from '../support/api';

/**
 * The founding page (issue 4, point 6): CT News Junkie's "State Commits Resources To Reduce
 * Violence in Hartford" of Jul 21, 2015 5:30am US Eastern, whose commenting has expired and whose
 * 4 comments are archived. Published and imported here as a newsroom would move it in, then read
 * through the gateway as a reader of that page sees it: the story, its thread archived, the 4
 * comments in order with author and time, and a count of 4 (the page itself renders "()" and its
 * tags as empty commas; ours must not).
 *
 * Times on the page are US Eastern, UTC-4 in July. Posting to this thread will be refused with 409
 * "the comments on this story are archived" (canAcceptComments in thread.rules.ts); the posting
 * endpoint itself comes with the moderation issue.
 */

const STORY_PARAGRAPHS = [
  "It’s not everything the city of Hartford wanted, but after an emergency meeting with top state officials Monday the city will receive additional resources to help it deal with a spike in homicides.",
  "As of Monday, the state had given Hartford four state police detectives, two additional parole officers, and two correction officers to provide intelligence to police. It will also help fund a gun buyback program, additional parole resources, and technical resources to assist in tracking ex-offenders.",
  "“We’re offering even more resources than requested by the mayor,” Democratic Gov. Dannel P. Malloy said after Monday’s meeting in the Emergency Operations Center of the state armory.",
  "There have been 18 homicides in Hartford this year, which is just one shy of last year’s total.",
  "“Connecticut must be a strategic partner with the city to combat violence and the loss of life of our residents,” Malloy said. “We held today’s meeting to make sure that our resources were being used as part of an overall strategy to help combat the violence.”",
  "Hartford Mayor Pedro Segarra and Hartford Police Chief James Rovella said they appreciated the help and are working hard to combat the violence.",
  "“There are a couple of additional requests that we will continue to work on,” Segarra said.",
  "Segarra requested the additional resources last week. Since its peak in 2011, resources to the Shooting Task Force, which was credited for a reduction in violence, had dissipated. Segarra, who is in a tough re-election campaign, contacted Malloy last week to ask for additional help to bring the task force back up to its 2011 capacity.",
  "“The chief has been very clear that this is not a problem we can arrest ourselves out of,” Segarra said.",
  "Segarra said in addition to the task force he would like the state to help fund a traffic unit.",
  "“Guns and drugs do move through vehicles and I think that a greater collaboration and partnering with the state police in that effort could be beneficial for us,” Segarra said.",
  "In addition to Segarra’s requests, Rovella said his department will need to hire 150 new officers within the next 3 to 5 years. There are currently 18 new recruits expected to graduate from the police academy in October.",
  "An internal Hartford Police Department report obtained by NBC Connecticut concluded that 108 more officers are needed to provide full patrols of the city.",
  "Both Rovella and Segarra recognized the financial hurdle hiring more officers poses for the city.",
  "Segarra said he is anticipating future “significant conversations” about how the city plans to pay for the additional officers.",
  "In the meantime, “we’ve gone through the process of staffing up in terms of overtime, in order to account for the reduction of actual uniformed officers in the force,” Segarra said.",
  "Segarra said they want to be able to increase the number of officers so the “community policing model” can be in place. But while they figure out how to do that they need to analyze what’s happening.",
  "Rovella said one percent of Hartford’s criminals are responsible for 75 to 80 percent of the city’s violent crimes. He said they are tracking those individuals, but the recent uptick in crime has been in some “unusual” locations with some “unusual” types of motives.",
  "He said people are shooting people “at the drop of a hat,” which is “difficult to understand.”",
  "Madeline Stocker contributed to this report.",
];

const PAGE_COMMENTS = [
  {
    externalId: 'ctnewsjunkie-2015-07-21-hartford-violence-1',
    authorName: "dano860",
    postedAt: '2015-07-21T08:08:00-04:00',
    postedAtUtc: '2015-07-21T12:08:00.000Z',
    shownOnPage: "July 21, 2015 8:08am",
    body: "Rovella said one percent of Hartford’s criminals are responsible for 75 to 80 percent of the city’s violent crimes.\nDoes that mean the other 99% are good criminals?\nIf so why don’t they just help the police get rid of that 1%?",
  },
  {
    externalId: 'ctnewsjunkie-2015-07-21-hartford-violence-2',
    authorName: "Mike Deering",
    postedAt: '2015-07-21T08:09:00-04:00',
    postedAtUtc: '2015-07-21T12:09:00.000Z',
    shownOnPage: "July 21, 2015 8:09am",
    body: "WoW! You mean all of those wonderful firearms restrictions that promised to turn CT into some utopia free of gun violence didn’t take guns out of the hands of criminals? But did take them out of the hands of those who wish to defend themselves> I’m totally shocked! What the hell did you people think would happen? As we all know, criminals don’t give a crap about the laws you pass! Wake up CT!! Rescind the anti-constitutional laws and can every one of the criminal politicians that passed them!",
  },
  {
    externalId: 'ctnewsjunkie-2015-07-21-hartford-violence-3',
    authorName: "amazeau",
    postedAt: '2015-07-21T12:07:00-04:00',
    postedAtUtc: '2015-07-21T16:07:00.000Z',
    shownOnPage: "July 21, 2015 12:07pm",
    body: "Wow! Four state police detectives, two additional parole officers, and two correction officers to provide intelligence to police. It will also help fund a gun buyback program, additional parole resources, and technical resources to assist in tracking ex-offenders. So impressed that 8 more people and a useless “Gun BuyBack” Is supposed to curb the violence that the Anti Gun Owner laws signed into existence on April 4, 2014 was going to take care of. What a crock of Bahoey!",
  },
  {
    externalId: 'ctnewsjunkie-2015-07-21-hartford-violence-4',
    authorName: "SocialButterfly",
    postedAt: '2015-07-22T20:13:00-04:00',
    postedAtUtc: '2015-07-23T00:13:00.000Z',
    shownOnPage: "July 22, 2015 8:13pm",
    body: "When will Malloy bring in the National Guard into Hartford with enough body armor to protect them in this war zone?",
  },
];

const STORY = {
  title: 'State Commits Resources To Reduce Violence in Hartford',
  byline: 'Christine Stuart',
  // Jul 21, 2015 5:30am US Eastern (EDT, UTC-4).
  publishedAt: '2015-07-21T05:30:00-04:00',
  categories: ['Election 2015', 'Law Enforcement', 'Labor', 'Public Safety', 'Hartford'],
  tags: ['Hartford', 'Dannel P. Malloy', 'Pedro Segarra', 'James Rovella', 'Shooting Task Force', 'Gun buyback', 'Homicides'],
  photoCredits: [
    { name: 'Christine Stuart', caption: 'Gov. Dannel P. Malloy after the emergency meeting at the state armory' },
    { name: 'Christine Stuart', caption: 'Hartford Mayor Pedro Segarra and Police Chief James Rovella' },
    { name: 'Madeline Stocker', caption: 'Hartford police' },
  ],
  body: STORY_PARAGRAPHS.join('\n\n'),
};

/** "July 21, 2015 8:08am": how the page prints a time, in US Eastern. */
function asOnPage(iso: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: 'America/New_York',
      month: 'long',
      day: 'numeric',
      year: 'numeric',
      hour: 'numeric',
      minute: '2-digit',
      hour12: true,
    })
      .formatToParts(new Date(iso))
      .map((part) => [part.type, part.value]),
  );
  return `${parts.month} ${parts.day}, ${parts.year} ${parts.hour}:${parts.minute}${parts.dayPeriod!.toLowerCase()}`;
}

describe('the founding page', () => {
  it('publishes the story, imports its 4 comments, and shows a reader an archived thread of 4 in order', async () => {
    const slug = `state-commits-resources-to-reduce-violence-in-hartford-${randomUUID().slice(0, 8)}`;
    const published = await api('POST', '/api/v1/articles', { token: editorToken(), body: { ...STORY, slug } });
    expect(published.status).toBe(201);
    const id = published.body.id as string;

    // The thread opens from article.published; a story this old passes through closed to archived at once.
    await eventually(async () => expect((await api('GET', `/api/v1/articles/${id}/comments`)).body.state).toBe('archived'));

    const admin = tokenFor({ sub: 'newsroom-admin', name: 'CT News Junkie archive', roles: ['admin'] });
    const batch = { comments: PAGE_COMMENTS.map(({ externalId, authorName, postedAt, body }) => ({ externalId, authorName, postedAt, body })) };
    const imported = await api('POST', `/api/v1/articles/${id}/comments/import`, { token: admin, body: batch });
    expect([imported.status, imported.body]).toEqual([200, { articleId: id, imported: 4, skipped: 0, commentCount: 4 }]);
    // Moving the archive in twice changes nothing.
    const again = await api('POST', `/api/v1/articles/${id}/comments/import`, { token: admin, body: batch });
    expect(again.body).toEqual({ articleId: id, imported: 0, skipped: 4, commentCount: 4 });

    // The story, as the page shows it: title, date, the five "Posted to" categories, photo credits, tags, and a count of 4.
    const story = await eventually(async () => {
      const response = await api('GET', `/api/v1/articles/${id}`);
      expect(response.status).toBe(200);
      expect(response.body.comments).toEqual({ count: 4, state: 'archived' });
      return response.body;
    });
    expect(story).toMatchObject({
      title: 'State Commits Resources To Reduce Violence in Hartford',
      byline: 'Christine Stuart',
      publishedAt: '2015-07-21T09:30:00.000Z',
      categories: ['Election 2015', 'Law Enforcement', 'Labor', 'Public Safety', 'Hartford'],
      tags: STORY.tags,
      photoCredits: STORY.photoCredits,
      body: STORY.body,
      thread: { state: 'archived' },
    });
    expect(asOnPage(story.publishedAt)).toBe('July 21, 2015 5:30am');
    expect(story.tags.every((tag: string) => tag.trim().length > 0)).toBe(true);
    expect(typeof story.comments.count).toBe('number');

    // The thread: commenting has expired (closed, then archived), 4 comments oldest first.
    const thread = await api('GET', `/api/v1/articles/${id}/comments`);
    expect(thread.status).toBe(200);
    expect(thread.body).toMatchObject({
      articleId: id,
      state: 'archived',
      closesAt: '2015-08-04T09:30:00.000Z',
      archivesAt: '2015-08-20T09:30:00.000Z',
      commentCount: 4,
      nextCursor: null,
    });
    expect(Date.parse(thread.body.closesAt)).toBeLessThan(Date.now());
    expect(thread.body.comments).toMatchObject(
      PAGE_COMMENTS.map((c) => ({ id: expect.any(String), author: { name: c.authorName }, body: c.body, postedAt: c.postedAtUtc })),
    );
    expect(thread.body.comments.map((c: { postedAt: string }) => asOnPage(c.postedAt))).toEqual(PAGE_COMMENTS.map((c) => c.shownOnPage));

    // Why it is archived, for staff: the commenting window expired, then the archive time came.
    const staff = await api('GET', `/api/v1/articles/${id}/thread`, { token: tokenFor({ roles: ['moderator'] }) });
    expect(staff.body).toMatchObject({ state: 'archived', closedReason: 'expired', commentCount: 4 });
    expect(staff.body.audit.map((a: { event: string; reason: string }) => `${a.event} ${a.reason}`)).toEqual([
      'thread.opened published',
      'thread.closed expired',
      'thread.archived expired',
    ]);

    // Archived is final: nobody reopens it by hand.
    const reopen = await api('POST', `/api/v1/articles/${id}/thread/reopen`, { token: editorToken() });
    expect([reopen.status, reopen.body.code]).toEqual([409, 'invalid_thread_transition']);
  });
});
