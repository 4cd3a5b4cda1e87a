"""Passwords too common to accept: the head of two public lists, lower-cased.

Taken from SecLists (MIT licence): ``Passwords/Common-Credentials/10-million-password-list-top-1000.txt`` and
``Passwords/Common-Credentials/Language-Specific/Chinese-common-password-list-top-1000.txt``, keeping entries of
four or more characters (a shorter one is refused by length anyway, and the policy also strips trailing digits
and symbols before looking a password up), without the obscene ones. A Python module rather than a data file, so
that it installs with the package.
"""

from __future__ import annotations

_WORDS = """
123456 password 12345678 qwerty 123456789 12345 1234 111111 1234567 dragon 123123 baseball abc123 football monkey
letmein 696969 shadow master 666666 qwertyuiop 123321 mustang 1234567890 michael 654321 superman 1qaz2wsx 7777777
121212 000000 qazwsx 123qwe killer trustno1 jordan jennifer zxcvbnm asdfgh hunter buster soccer harley batman
andrew tigger sunshine iloveyou 2000 charlie robert thomas hockey ranger daniel starwars klaster 112233 george
computer michelle jessica pepper 1111 zxcvbn 555555 11111111 131313 freedom 777777 pass maggie 159753 aaaaaa
ginger princess joshua cheese amanda summer love ashley 6969 nicole chelsea biteme matthew access yankees
987654321 dallas austin thunder taylor matrix william corvette hello martin heather secret merlin diamond
1234qwer gfhjkm hammer silver 222222 88888888 anthony justin test bailey q1w2e3r4t5 patrick internet scooter
orange 11111 golfer cookie richard samantha bigdog guitar jackson whatever mickey chicken sparky snoopy maverick
phoenix camaro peanut morgan welcome falcon cowboy ferrari samsung andrea smokey steelers joseph mercedes dakota
arsenal eagles melissa boomer booboo spider nascar monster tigers yellow xxxxxx 123123123 gateway marina diablo
bulldog qwer1234 compaq purple banana junior hannah 123654 porsche lakers iceman money cowboys 987654 london
tennis 999999 ncc1701 coffee scooby 0000 miller boston q1w2e3r4 brandon yamaha chester mother forever johnny
edward 333333 oliver redsox player nikita knight fender barney midnight please brandy chicago badboy slayer
rangers charles angel flower bigdaddy rabbit wizard jasper enter rachel chris steven winner adidas victoria
natasha 1q2w3e4r jasmine winter prince marine ghbdtn fishing cocacola casper james 232323 raiders 888888
marlboro gandalf asdfasdf crystal 87654321 12344321 golden 8675309 panther lauren angela spanky thx1138 angels
madison winston shannon mike toyota jordan23 canada sophie apples tiger razz 123abc pokemon qazxsw 55555 qwaszx
muffin johnson murphy cooper jonathan liverpoo david danielle 159357 jackie 1990 123456a 789456 turtle abcd1234
scorpion qazwsxedc 101010 butter carlos password1 dennis slipknot qwerty123 booger asdf 1991 black startrek
12341234 cameron newyork rainbow nathan john 1992 rocket viking redskins asdfghjkl 1212 sierra peaches gemini
doctor wilson sandra helpme qwertyui victor florida dolphin pookie captain tucker blue liverpool theman bandit
dolphins maddog packers jaguar lovers nicholas united tiffany maxwell zzzzzz nirvana jeremy monica elephant
giants secret123 hotdog rosebud success debbie mountain 444444 xxxxxxxx warrior 1q2w3e4r5t q1w2e3 123456q albert
metallic lucky azerty 7777 alex bond007 alexis 1111111 samson 5150 willie scorpio bonnie gators benjamin voodoo
driver dexter 2112 jason calvin freddy 212121 creative 12345a sydney rush2112 1989 asdfghjk red123 bubba
4815162342 passw0rd trouble gunner happy gordon legend jessie stella qwert eminem arthur apple nissan bear
america 1qazxsw2 nothing parker 4444 rebecca qweqwe garfield 01012011 beavis 69696969 jack asdasd december 2222
102030 252525 11223344 magic apollo skippy 315475 girls kitten golf copper braves shelby godzilla beaver fred
tomcat august buddy airborne 1993 1988 lifehack qqqqqq brooklyn animal platinum phantom online xavier darkness
blink182 power fish green 789456123 voyager police travis 12qwaszx heaven snowball lover abcdef 00000 pakistan
007007 walter playboy blazer cricket sniper donkey willow loveme saturn therock redwings bigboy pumpkin trinity
williams nintendo digital destiny topgun runner marvin guinness chance bubbles testing fire november minecraft
asdf1234 lasvegas sergey broncos cartman private celtic birdie little cassie babygirl donald beatles 1313 family
12121212 school louise gabriel eclipse fluffy 147258369 lol123 explorer beer nelson flyers spencer scott lovely
gibson doggie cherry andrey snickers buffalo pantera metallica member carter qwertyu peter alexande steve bronco
paradise goober 5555 samuel montana mexico dreams michigan carolina yankee friends magnum surfer maximus genius
cool vampire lacrosse asd123 aaaa christin kimberly speedy sharon carmen 111222 kristina sammy racing ou812
sabrina horses 0987654321 qwerty1 stalker enigma 147147 star poohbear 147258 simple 12345q marcus brian 1987
qweasdzxc drowssap hahaha caroline barbara dave viper drummer action einstein genesis hello1 scotty friend forest
010203 hotrod google vanessa spitfire badger maryjane friday alaska 1232323q tester jester jake champion billy
147852 rock hawaii chevy 420420 walker stephen eagle1 bill 1986 october gregory svetlana pamela 1984 music
shorty westside stanley diesel courtney 242424 kevin hitman mark 12345qwert reddog frank qwe123 popcorn patricia
aaaaaaaa 1969 teresa mozart buddha anderson paul melanie abcdefg security lucky1 lizard denise 3333 a12345
123789 ruslan stargate simpsons scarface eagle 123456789a thumper olivia naruto 1234554321 general cherokee
a123456 vincent spooky qweasd free frankie douglas 1980 loveyou kitty kelly veronica suzuki semperfi penguin
mercury liberty spirit scotland natalie marley vikings system king allison marshall 1979 098765 qwerty12 hummer
adrian 1985 vfhbyf sandman rocky leslie antonio 98765432 4321 softball passion mnbvcxz passport rascal howard
franklin bigred alexander homer redrum jupiter claudia 55555555 141414 zaq12wsx patches raider infinity andre
54321 galore college russia kawasaki bishop 77777777 vladimir money1 freeuser wildcats francis disney budlight
brittany 1994 00000000 sweet oksana honda domino bulldogs brutus swordfis norman monday jimmy ironman ford
fantasy 9999 7654321 duncan cougar 1977 jeffrey house dancer brooke timothy super marines justice digger connor
patriots karina 202020 molly everton tinker alicia pearljam colorado 123123a water test123 ncc1701d motorola
ireland asdfg matt houston boogie zombie accord vision bradley reggie kermit froggy ducati avalon 6666 9379992
sarah saints logitech chopper 852456 simpson madonna juventus claire 159951 zachary wolverin warcraft hello123
extreme peekaboo fireman eugene brenda 123654789 russell panthers georgia smith skyline elizabet spiderma smooth
pirate empire bullet 8888 virginia valentin psycho predator arizona 134679 mitchell alyssa vegeta titanic goblue
wolf mmmmmm kirill indian hiphop baxter awesome people danger roland mookie 741852963 1111111111 dreamer bambam
arnold 1981 skipper serega rolltide elvis changeme simon 1q2w3e lovelove denver tommy mine loverboy hobbes happy1
alison nemesis chevelle cardinal burton picard 151515 tweety michael1 147852369 12312 xxxx windows turkey 456789
1974 vfrcbv sublime 1975 galina bobby newport manutd daddy american alexandr 1966 victory rooster qqq111 madmax
electric a1b2c3 wolfpack spring phpbb lalala spiderman eric darkside classic raptor 123456789q hendrix 1982
wombat avatar alpha zxc123 crazy hard england brazil 1978 01011980 wildcat polina freepass
5201314 7758521 1314520 woaini 5211314 woaini1314 qq123456 7758258 520520 100200 a123456789 110110 123456abc
31415926 1314521 201314 456852 521521 aa123456 q123456 woaini123 584520 abc123456 110120 woaini520 123000
778899 a123123 753951 25257758 123698745 woaiwojia 123456aa asd123456 456123 7758520 5845211314 woaini521
z123456 3.1415926 123456qq wmsxie123 321321 beijing2008 0000000 211314 5845201314 789789 qwe1234 131421 369369
123456123 5201314520 12301230 3344520 963852 951753 zxcvbnm123 110119 woainima 7788521 1234560 a5201314
qwe123456 120120 123456. 168168 aini1314 584521 w123456 0123456789 xiaoxiao 336699 111111111 131420 0000000000
woshishui yangyang 666888 520520520 zhang123 asdasdasd 963852741 buzhidao 741852 314159 1230123 709394
5841314520 110110110 hao123456 251314 721521 3344521 321654 258258 520530 135792468 584131421 1357924680 135246
123456987 as123456 qaz123 456456 111222333 123321123 135790 adminfan 518518 wangyut2 999999999 369258147
1233211234567 zlmalm03 l123456 7895123 111111a qq123123 12369874 a1234567 a000000 110120119 147896325 111000
p1a6s3m 0123456 521521521 a321654 12345678910 123456asd 521125 25251325 888999 123456.0 142536 zzzxxx stryker
zxc123456 5201314a 584131420 q123456789 1123581321 147369 9876543210 321321321 124578 654123 121314 123456123456
5203344 zhangwei 521314 520123 ...... qq5201314 12345600 258369 5213344 20082008 qaz123456 159159 119119
woailaopo 000123 wojiushiwo 100200300 555666 wangjian 123520 112358 110120130 000111 1234abcd 123457 123qweasd
7894561230 564335 77585210 74108520 584201314 nihaoma 1230456 sunliu66 shmily qazwsx123 zxczxc 123asd aptx4869
weiwei a12345678 qazqaz 911911 20080808 000000a 123456z 1234568 a1314520 zhanglei 1234567890123 369258
wangwei wwwwww qq123456789 123456aaa 22222222 123456789123 5841314521 11112222 qq111111 7708801314520 888666
585858 222333 134679852 zhangjian woaiwoziji 123456qwe 123456654321 aaa123456 wang123 445566 1234566 aaa111
2008520085 qw123456 246810 wangyang 000000000 66666666 aaa123 a123456a maomao a1b2c3d4 xiaolong 123789456
321654987 2597758 1231230 010101 13141314 1314258 1234569 333666 14789632 258456 7758991 love1314 xiaoqiang
abcd123456 1314159 7758521521 li123456 565656 jiajia tiantian 122333 666999 z123456789 jiushiaini 1122334455
181818 235689 woshishei wangjing 321456 xiaofeng dongdong 686868 332211 zhendeaini 13145200 wodemima 989898
yuanyuan asdzxc 789123 a7758521 770880 zhangjie 1122334 3838438 1a2b3c4d wobuzhidao 112233445566 qwqwqw
zx123456 longlong wanglei 12345678a 1314520520 787878 7758521a 7788520 12345678900 16897168 feifei 12345679
168888 2525775 123465 121121 wang123456 ssssss chenchen 158158 112112 w123456789 abcd123 woainia 369852
huang123 753159 555888 aa123123 q123123 zhanghao 123.123 110112 2587758 1234567a asdf123 584211314 1234567899
baobao 163163 q111111 s123456 1478963 shanshan 131425 q1w2e3r4t5 000001 7788250 mingming woshishen 999888
123456789abc qweqweqwe 100100 zhangyang 1234561 0000001 wangchao zhangyu 9958123 998877 110119120 1236987
1233210 a11111 456321 xiaoyu www123456 111111q 777888 52013140 123369 898989 7788414 asasas 223344 beyond
130130 xiaowei qqqqqqqq 234567 74107410 789987 741741 123456as hao123 goodluck woshizhu 123987 112211 tianshi
5201314123 123456zxc zhangyan 111112 200884 111qqq 3141592653 123521 wangpeng 012345 369963 123456w meiyoumima
operation 001001 zhangjun 5121314 125125 woshiwo 225588 456654 123456000 667788 zhangxin 123456789qq 123123qq
33333333 789632145 125521 zz123456 1010110 456456456 1029384756 321123 tiancai 11235813 zhuzhu 668899 x123456
tingting 142857 liu123456 315315 ffffff 1111112 0564335 34416912 qq1314520 123456ab jianjian liuyang
9638527410 167669123 nishizhu wangqiang 123258 521000 huanhuan dddddd 8899174 laopo521 19491001 1234321
85208520 laopo520 shanghai 7215217758991 16899168 84131421 mylove 299792458 asdasd123 www123 1a2b3c
zhangqiang 456258 12312300 zhangjing 888168 chenjian 987456 159632 123123456 963258 159357456 nihao123
1472583690 131415 ab123456 963963 123456789z 520521 332335 miaomiao 131131 831213 asd123123 199771 shangxin
635241 wanghao 123zxc 51201314 119911 110011 119110 xiazhili 456789123 962464 1234512345 qweasd123 kissme
789654 10101010 qq000000 wo123456 6543210 nishiwode 123698741 a123321 123567 sakura 100000 123456qaz qwerasdf
789654123 xiaoyao 01230123 520131400 qianqian 987456321 001122 zhang520 1415926 363636 zhangpeng 868686
789789789 bugaosuni 5201314qq zhangkai zhanghui 123qaz 123123aa zhangliang q5201314 y123456 xingxing
52013145201314 wanggang wangfeng 415263 wangshuai 1q1q1q jiang123 love520 3141592654 zhangbin huangwei
123456qw menghuan 520131 a7758258 nishishui zhangtao 5211314521 beckham 123123123123 zhangchao imissyou
134679258 556688 wenwen 996633 liangliang jiaojiao yangjian 775852100 369369369 asdf123456 zhimakaimen 987987
woxiangni 161616 53231323 qqq123 z123123 1314520a aa5201314 xiaojian wangjun a1s2d3f4 123458 c123456
12332100 8008208820 wz112233 yingying wangyu 808080 0.123456 wozhiaini 123147 135135 52013141314 1234567891
woaimama ww123456 1231512315 mengmeng wangyan 123456ok 778878 doudou 123888 518888 woainimama 794613 liyang
qwert123 xinxin jiangwei yang123 567890 654654 123455 wodezuiai 3155530 821010 chenwei 963258741 841025
xiaoming h123456 lingling 52001314 1212123 english woaini5201314 chocolate butterfly iloveu secret flower
admin admin123 admin888 root123 abc12345 qwerty12345 password123 passw0rd123 p@ssw0rd p@ssword
"""

COMMON_PASSWORDS = frozenset(_WORDS.split())
"""The list, lower-cased (every entry already is)."""
