// The host page as a news site would write it: the story from the public API, then the widget's
// snippet (a host element with data-story-id and the loader script from the gateway).
(async () => {
  const config = await (await fetch('/config.json')).json();
  const params = new URLSearchParams(location.search);
  const wanted = params.get('story') || 'founding';
  const storyId = config.stories[wanted] || wanted;
  const text = (id, value) => (document.getElementById(id).textContent = value);

  const response = await fetch(`${config.gateway}/api/v1/articles/${encodeURIComponent(storyId)}`);
  if (response.ok) {
    const story = await response.json();
    document.title = `${story.title} | CT News Junkie (demo)`;
    text('title', story.title);
    text('byline', story.byline);
    const date = document.getElementById('date');
    date.dateTime = story.publishedAt;
    // As the page prints it, in the newsroom's time zone: "Jul 21, 2015 5:30am".
    const parts = Object.fromEntries(
      new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', month: 'short', day: 'numeric', year: 'numeric', hour: 'numeric', minute: '2-digit', hour12: true })
        .formatToParts(new Date(story.publishedAt))
        .map((part) => [part.type, part.value]),
    );
    date.textContent = `${parts.month} ${parts.day}, ${parts.year} ${parts.hour}:${parts.minute}${parts.dayPeriod.toLowerCase()}`;
    text('categories', story.categories.join(', '));
    text('tags', story.tags.join(', '));
    const body = document.getElementById('body');
    for (const paragraph of String(story.body).split(/\n\n+/)) body.append(Object.assign(document.createElement('p'), { textContent: paragraph }));
    text('credits', (story.photoCredits || []).map((c) => `Photo: ${c.name}${c.caption ? ` (${c.caption})` : ''}`).join(' · '));
    document.getElementById('count').dataset.commentCount = storyId;
  } else {
    text('title', 'Story not found');
  }
  document.querySelector('.story').removeAttribute('aria-busy');

  // The embed snippet (docs/widget.md), added here because the story id comes from config.
  const host = document.createElement('div');
  host.dataset.storyId = storyId;
  if (params.get('lang')) host.dataset.locale = params.get('lang');
  document.getElementById('comments').append(host);
  for (const name of ['embed.js', 'count.js']) {
    const script = document.createElement('script');
    script.src = `${config.gateway}/embed/${name}`;
    script.async = true;
    document.body.append(script);
  }

  // The newsroom's own login hands the widget a token.
  const form = document.getElementById('login');
  const logout = document.getElementById('logout');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const name = new FormData(form).get('name');
    const answer = await fetch(`/demo-login?name=${encodeURIComponent(name)}`);
    if (!answer.ok) return;
    window.CommentsWidget.login((await answer.json()).token);
    logout.hidden = false;
  });
  logout.addEventListener('click', () => {
    window.CommentsWidget.logout();
    logout.hidden = true;
  });
})();
