"""Print a labelled corpus and read it back with OCR (development harness).

Usage (Debian: apt-get install tesseract-ocr python3-pil fonts-liberation
fonts-urw-base35; run with /usr/bin/python3, which has PIL):

    /usr/bin/python3 tools/ocrcorpus/ocrcorpus.py \
        ../shared/corpus/dev-natural.jsonl /tmp/ocr/nat-mixed.jsonl mixed
    go run ./cmd/feedfold eval /tmp/ocr/nat-mixed.jsonl

Each item's text (markup stripped) is set in a column of 38-60
characters in a serif face, its headline larger, blurred, speckled and
thresholded like a bilevel scan, and read back by tesseract 5 (English,
--psm 6). Quality levels: easy (16-20 px type; about 1 % of characters
wrong), mid (14-16 px; about 5 %), hard (13-15 px; 20 % and more), mixed
(per item: easy, easy, mid or hard at random). Every item is printed and
read on its own, so two copies of one story carry different errors, as
two papers' printings of it do. Seeds are per item: a run is repeatable.

The output is derived from research-use data: write it outside the
repository (dedupe/EVAL.md, "Copies read back by a real OCR engine").
About 0.7 s an item on two cores.
"""
import json, sys, random, subprocess, textwrap, os, io, html, re
from PIL import Image, ImageDraw, ImageFont, ImageFilter
from concurrent.futures import ThreadPoolExecutor
FONTS = [
 "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
 "/usr/share/fonts/opentype/urw-base35/C059-Roman.otf",
 "/usr/share/fonts/opentype/urw-base35/P052-Roman.otf",
 "/usr/share/fonts/opentype/urw-base35/NimbusRoman-Regular.otf",
]
FONTS=[f for f in FONTS if os.path.exists(f)]
def strip(s):
    s = re.sub(r'<[^>]+>', ' ', s)
    return html.unescape(s)
def render(text, rnd, size, width):
    font = ImageFont.truetype(rnd.choice(FONTS), size)
    lines = []
    for para in text.split('\n'):
        lines += textwrap.wrap(para, width=width, break_long_words=False) or ['']
    lh = int(size*1.25)
    W = int(max([font.getlength(l) for l in lines]+[10]))+40
    img = Image.new('L', (W, lh*len(lines)+40), 255)
    d = ImageDraw.Draw(img)
    for i,l in enumerate(lines):
        d.text((20, 20+i*lh), l, font=font, fill=rnd.randint(0,60))
    return img
def degrade(img, rnd, q):
    img = img.filter(ImageFilter.GaussianBlur(q['blur']))
    px = img.load(); w,h = img.size
    n = int(w*h*q['noise'])
    for _ in range(n):
        x,y = rnd.randrange(w), rnd.randrange(h)
        px[x,y] = 0 if rnd.random()<0.5 else 255
    # threshold like a bilevel scan
    t = q['thresh']
    return img.point(lambda v: 0 if v < t else 255)
def ocr(img):
    b = io.BytesIO(); img.save(b, 'PNG')
    r = subprocess.run(['tesseract','stdin','stdout','--psm','6','-l','eng'], input=b.getvalue(), capture_output=True)
    return r.stdout.decode('utf-8','replace')
def quality(rnd, level):
    if level == 'mixed':
        level = rnd.choice(['easy','easy','mid','hard'])
    return {'size': {'hard':[13,14,15],'mid':[14,15,16],'easy':[16,18,20]}[level][rnd.randrange(3)],
            'blur': {'hard':(0.6,0.9),'mid':(0.4,0.7),'easy':(0.2,0.5)}[level][0]+rnd.random()*0.3,
            'noise': {'hard':0.02,'mid':0.01,'easy':0.003}[level]*rnd.random(),
            'thresh': rnd.randint(130,190)}
def one(args):
    i, it, level = args
    rnd = random.Random(i*7919+1)
    q = quality(rnd, level)
    body = strip(it.get('content',''))
    img = degrade(render(body, rnd, q['size'], rnd.randint(38,60)), rnd, q)
    out = dict(it)
    out['content'] = ocr(img)
    if it.get('title'):
        t = degrade(render(it['title'], rnd, q['size']+4, 200), rnd, q)
        out['title'] = ocr(t).strip().replace('\n',' ')
    return out
if __name__ == '__main__':
    src, dst, level = sys.argv[1], sys.argv[2], sys.argv[3]
    lim = int(sys.argv[4]) if len(sys.argv)>4 else 10**9
    items = [json.loads(l) for l in open(src)][:lim]
    with ThreadPoolExecutor(2) as ex, open(dst,'w') as f:
        for n,o in enumerate(ex.map(one, [(i,it,level) for i,it in enumerate(items)])):
            f.write(json.dumps(o, ensure_ascii=False)+'\n')
            if n%100==0: print(n, file=sys.stderr, flush=True)
