for (const size of [11000, 12000, 17000, 40000]) for (const body of [undefined, Buffer.alloc(2_000_000)]) {
  try { const r = await fetch('http://127.0.0.1:18833/', {method:'POST', headers:{authorization:'Bearer '+'a'.repeat(size)}, body}); console.log(size, !!body, r.status, (await r.text()).slice(0,30)); }
  catch(e){ console.log(size, !!body, 'ERR', e.cause?.code ?? e.message); }
}
