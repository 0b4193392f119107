import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { escapeHTML, type HTML, html, isHTML, raw, UnsafeTemplateError } from '../../src/index.ts';

const text = (markup: HTML) => markup.html;

describe('html: text content', () => {
  test('escapes every interpolation', () => {
    const name = '<img src=x onerror=alert(1)>&"\'';
    assert.equal(
      text(html`<p>${name}</p>`),
      '<p>&lt;img src=x onerror=alert(1)&gt;&amp;&quot;&#39;</p>',
    );
  });

  test('joins arrays, drops null/undefined/false, prints numbers and bigints', () => {
    const items = ['a<', 'b'];
    assert.equal(
      text(html`<ul>${items.map((item) => html`<li>${item}</li>`)}</ul>`),
      '<ul><li>a&lt;</li><li>b</li></ul>',
    );
    assert.equal(
      text(html`${null}|${undefined}|${false}|${0}|${12.5}|${10n}|${true}`),
      '|||0|12.5|10|true',
    );
    assert.equal(text(html`${['<a>', ['<b>', raw('<c>')]]}`), '&lt;a&gt;&lt;b&gt;<c>');
  });

  test('nested html and raw() are inserted as they are', () => {
    const inner = html`<b>${'<x>'}</b>`;
    assert.equal(
      text(html`<p>${inner}${raw('<i>ok</i>')}</p>`),
      '<p><b>&lt;x&gt;</b><i>ok</i></p>',
    );
    assert.ok(isHTML(inner));
    assert.ok(!isHTML('<b>'));
    assert.equal(String(inner), '<b>&lt;x&gt;</b>');
  });

  test('a comment cannot be closed by data', () => {
    assert.equal(
      text(html`<!-- ${'--><script>x()</script>'} -->`),
      '<!-- --&gt;&lt;script&gt;x()&lt;/script&gt; -->',
    );
  });

  test('title and textarea contents are escaped like text', () => {
    assert.equal(
      text(html`<title>${'</title><script>'}</title><textarea>${'</textarea>'}</textarea>`),
      '<title>&lt;/title&gt;&lt;script&gt;</title><textarea>&lt;/textarea&gt;</textarea>',
    );
  });

  test('html called as a function is a typed error', () => {
    const call = html as unknown as (text: string) => unknown;
    assert.throws(() => call('<p>'), {
      name: 'InvalidOptionError',
      message: /html is a template tag .* got "<p>" \(string\)/,
    });
  });

  test('escapeHTML escapes the five characters', () => {
    assert.equal(escapeHTML(`&<>"'x`), '&amp;&lt;&gt;&quot;&#39;x');
  });
});

describe('html: attributes', () => {
  test('quoted values cannot break out of their quotes', () => {
    assert.equal(
      text(html`<a title="${'" onclick="alert(1)'}" data-x='${"' onclick='alert(1)"}'>`),
      `<a title="&quot; onclick=&quot;alert(1)" data-x='&#39; onclick=&#39;alert(1)'>`,
    );
  });

  test('unquoted values cannot start another attribute', () => {
    const markup = text(html`<div class=${'x onmouseover=alert(1)'}>`);
    assert.equal(markup, '<div class=x&#x20;onmouseover&#x3d;alert&#x28;1&#x29;>');
    assert.doesNotMatch(markup, /\sonmouseover/);
  });

  test('javascript:, vbscript: and data: URLs are replaced in URL attributes', () => {
    for (const url of [
      'javascript:alert(1)',
      ' JaVaScRiPt:alert(1)',
      'java\tscript:x',
      'vbscript:x',
      'data:text/html,<script>',
    ]) {
      assert.equal(
        text(html`<a href="${url}">`),
        '<a href="about:invalid#fanout-unsafe-url">',
        url,
      );
    }
    assert.equal(
      text(html`<img src=${'javascript:x'}>`),
      '<img src=about&#x3a;invalid&#x23;fanout&#x2d;unsafe&#x2d;url>',
    );
    assert.equal(
      text(html`<form action='${'javascript:x'}'>`),
      `<form action='about:invalid#fanout-unsafe-url'>`,
    );
  });

  test('safe URLs, image data URLs and URLs after a static prefix are kept (escaped)', () => {
    assert.equal(text(html`<a href="${'/p?a=1&b=2'}">`), '<a href="/p?a=1&amp;b=2">');
    assert.equal(
      text(html`<a href="${'https://shop.example/'}">`),
      '<a href="https://shop.example/">',
    );
    assert.equal(
      text(html`<img src="${'data:image/png;base64,AAAA'}">`),
      '<img src="data:image/png;base64,AAAA">',
    );
    assert.equal(
      text(html`<a href="/search?q=${'javascript:x'}">`),
      '<a href="/search?q=javascript:x">',
    );
  });

  test('text in event handlers, srcdoc, inside a tag or in <script>/<style> is refused', () => {
    const cases = [
      () => html`<button onclick="${'alert(1)'}">`,
      () => html`<button ONCLICK=${'alert(1)'}>`,
      () => html`<iframe srcdoc="${'<script>x()</script>'}">`,
      () => html`<div ${'onmouseover=alert(1)'}>`,
      () => html`<${'script'}>`,
      () => html`<script>var user = "${'"; alert(1); "'}";</script>`,
      () => html`<style>${'body{}'}</style>`,
    ];
    for (const make of cases) {
      assert.throws(make, (error: unknown) => {
        assert.ok(error instanceof UnsafeTemplateError);
        assert.equal(error.code, 'FANOUT_UNSAFE_TEMPLATE');
        return true;
      });
    }
  });

  test('raw() is allowed anywhere, numbers and nothing inside a tag', () => {
    assert.equal(text(html`<div ${raw('hidden')} data-n=${3}>`), '<div hidden data-n=3>');
    assert.equal(text(html`<h${2}>x</h${2}>`), '<h2>x</h2>');
    assert.equal(text(html`<div ${null}>`), '<div >');
    assert.equal(
      text(html`<script>${raw('1')}</script><p>${'<'}</p>`),
      '<script>1</script><p>&lt;</p>',
    );
  });

  test('context follows the markup across holes and after a closed script', () => {
    assert.equal(
      text(html`<a href="${'/x'}" title=${'a b'}>${'<'}</a><script>1</script>${'<'}`),
      '<a href="/x" title=a&#x20;b>&lt;</a><script>1</script>&lt;',
    );
  });
});
